#include "csms/charging/load_allocation.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

namespace csms::charging {
namespace {

using namespace std::chrono;

LoadSession car(std::string key, int started_minute, double max_a = 32) {
  LoadSession s;
  s.key = std::move(key);
  s.max_current_a = max_a;
  s.started_at = domain::Timestamp{minutes{started_minute}};
  return s;
}

LoadSite site_of(double limit_a) {
  LoadSite site;
  site.limit_a = limit_a;
  return site;
}

std::vector<double> currents(const LoadSite& site, const std::vector<LoadSession>& sessions) {
  return allocate(site, site.limit_a, sessions).current_a;
}

// A three-phase session's profile state.
ProfileState state(std::optional<double> in_force, std::optional<double> pending,
                   std::optional<double> unconfirmed, double uncontrolled, double target) {
  ProfileState s;
  s.in_force_a = in_force;
  s.pending_a = pending;
  s.unconfirmed_a = unconfirmed;
  s.uncontrolled_a = uncontrolled;
  s.target_a = target;
  return s;
}

TEST(LoadAllocation, ThreeCarsOnA32ASiteShareItInWholeAmpsFirstComeTakesTheRemainder) {
  auto site = site_of(32);
  auto plan = allocate(site, 32, {car("a", 0), car("b", 1), car("c", 2)});
  EXPECT_EQ(plan.current_a, (std::vector<double>{11, 11, 10}));
  EXPECT_EQ(plan.phase_a, (std::array<double, 3>{32, 32, 32}));
}

TEST(LoadAllocation, AFourthCarArrivesAndAllGetEight) {
  EXPECT_EQ(currents(site_of(32), {car("a", 0), car("b", 1), car("c", 2), car("d", 3)}),
            (std::vector<double>{8, 8, 8, 8}));
}

TEST(LoadAllocation, OneStopsAndTheOthersTakeItsShare) {
  EXPECT_EQ(currents(site_of(32), {car("a", 0), car("c", 2), car("d", 3)}),
            (std::vector<double>{11, 11, 10}));
}

TEST(LoadAllocation, ACarTakingOnlyTenOfItsSixteenGetsElevenAndTheOtherTheRest) {
  auto a = car("a", 0), b = car("b", 1);
  a.current_a = 16;
  a.measured_a = 15.8;  // takes its share
  b.current_a = 16;
  b.measured_a = 10;  // takes less
  EXPECT_EQ(currents(site_of(32), {a, b}), (std::vector<double>{21, 11}));
  // Held by its own maximum just under what it was given: it keeps that, no swinging.
  b.current_a = 11;
  b.measured_a = 10;
  a.current_a = 21;
  a.measured_a = 21;
  EXPECT_EQ(currents(site_of(32), {a, b}), (std::vector<double>{21, 11}));
  // Once it draws what it was given, it may rise again.
  b.current_a = 11;
  b.measured_a = 10.6;
  a.current_a = 21;
  a.measured_a = 21;
  EXPECT_EQ(currents(site_of(32), {a, b}), (std::vector<double>{16, 16}));
}

TEST(LoadAllocation, CarsBeyondTheMinimumsWaitLatestFirst) {
  // 32 A holds five 6 A minimums: the sixth to arrive waits with 0.
  std::vector<LoadSession> cars;
  for (int i = 0; i < 6; ++i) cars.push_back(car(std::string(1, static_cast<char>('a' + i)), i));
  auto got = currents(site_of(32), cars);
  EXPECT_EQ(got, (std::vector<double>{7, 7, 6, 6, 6, 0}));
}

TEST(LoadAllocation, PriorityIsAdmittedFirstAndUnderPriorityStrategyFilledFirst) {
  std::vector<LoadSession> cars;
  for (int i = 0; i < 6; ++i) cars.push_back(car(std::string(1, static_cast<char>('a' + i)), i));
  cars[5].priority = 1;  // the last to come, but a priority token
  auto equal = currents(site_of(32), cars);
  EXPECT_EQ(equal, (std::vector<double>{7, 6, 6, 6, 0, 7}));

  auto site = site_of(32);
  site.strategy = LoadStrategy::Priority;
  auto p = car("p", 5), q = car("q", 0), r = car("r", 1);
  p.priority = 1;
  // Everyone gets the minimum; the rest goes to the priority car first.
  EXPECT_EQ(currents(site, {q, r, p}), (std::vector<double>{6, 6, 20}));
  // Up to its maximum; what it cannot take goes to the next level.
  p.max_current_a = 16;
  EXPECT_EQ(currents(site, {q, r, p}), (std::vector<double>{8, 8, 16}));
}

TEST(LoadAllocation, SinglePhaseCarsOnAThreePhaseSiteUseOnlyTheirPhase) {
  // 32 A per phase: a on L1, b on L2, c on all three. L1 and L2 fill at 16 + 16; L3 keeps
  // headroom that c cannot use (it also draws on L1).
  auto a = car("a", 0), b = car("b", 1), c = car("c", 2);
  a.phases = 1;
  a.phase = 1;
  b.phases = 1;
  b.phase = 2;
  auto plan = allocate(site_of(32), 32, {a, b, c});
  EXPECT_EQ(plan.current_a, (std::vector<double>{16, 16, 16}));
  EXPECT_EQ(plan.phase_a, (std::array<double, 3>{32, 32, 16}));
  // Two single-phase cars on L1 and one on L2: L2's car is not held back by L1.
  b.phase = 1;
  auto d = car("d", 3);
  d.phases = 1;
  d.phase = 2;
  plan = allocate(site_of(20), 20, {a, b, d});
  EXPECT_EQ(plan.current_a, (std::vector<double>{10, 10, 20}));
  EXPECT_EQ(plan.phase_a, (std::array<double, 3>{20, 20, 0}));
}

TEST(LoadAllocation, EvNeedsAreHonouredBeforeTheEqualShare) {
  auto a = car("a", 0), b = car("b", 1);
  a.needed_a = 20;
  EXPECT_EQ(currents(site_of(32), {a, b}), (std::vector<double>{20, 12}));
  // A need below the fair share changes nothing.
  a.needed_a = 8;
  EXPECT_EQ(currents(site_of(32), {a, b}), (std::vector<double>{16, 16}));
}

TEST(LoadAllocation, SuspendedEvKeepsItsMinimumAndFixedLoadsComeFirst) {
  auto a = car("a", 0), b = car("b", 1), c = car("c", 2);
  a.suspended_ev = true;
  c.fixed_a = 10;  // its station rejected our profiles: it draws what it drew
  EXPECT_EQ(currents(site_of(32), {a, b, c}), (std::vector<double>{6, 16, 10}));
}

TEST(LoadAllocation, StationMinimumAboveTheSitesAndMaximumBelowIt) {
  auto a = car("a", 0, 10), b = car("b", 1);
  b.min_current_a = 8;
  EXPECT_EQ(currents(site_of(14), {a, b}), (std::vector<double>{6, 8}));
  EXPECT_EQ(currents(site_of(40), {a, b}), (std::vector<double>{10, 30}));
}

TEST(LoadAllocation, TimeOfDayLimitAppliesFromTheStartOfAWindowItDropsIn) {
  LoadSite site = site_of(25);
  site.schedule = {{22 * 60, 40}, {0, 40}, {7 * 60, 20}};
  EXPECT_EQ(limit_between(site, 6 * 60 + 57, 6 * 60 + 59), 40);
  EXPECT_EQ(limit_between(site, 6 * 60 + 58, 7 * 60), 20);  // drops at 07:00: in force already
  EXPECT_EQ(limit_between(site, 7 * 60, 7 * 60 + 2), 20);
  EXPECT_EQ(limit_between(site, 21 * 60 + 59, 22 * 60 + 1), 20);  // rises at 22:00: not before
  EXPECT_EQ(limit_between(site, 22 * 60, 22 * 60 + 2), 40);
  EXPECT_EQ(limit_between(site, 23 * 60 + 59, 1), 40);  // over midnight
  LoadSite night_only = site_of(25);
  night_only.schedule = {{22 * 60, 40}, {6 * 60, 16}};
  EXPECT_EQ(limit_between(night_only, 3 * 60, 3 * 60 + 2), 40);  // the last period runs past midnight
  EXPECT_EQ(limit_between(night_only, 5 * 60 + 59, 6 * 60 + 1), 16);
  EXPECT_EQ(limit_between(site_of(25), 0, 100), 25);
}

TEST(LoadTransition, DecreasesGoFirstAndIncreasesWaitForHeadroom) {
  auto site = site_of(32);
  // Two cars at 16 each; a third arrives (uncontrolled it waits at the 0 A fallback). Target
  // 10.6 each: the decreases go now, the newcomer's 10.6 only once they are accepted.
  std::vector<ProfileState> states = {state(16.0, std::nullopt, std::nullopt, 0, 10.6),
                                      state(16.0, std::nullopt, std::nullopt, 0, 10.6),
                                      state(std::nullopt, std::nullopt, std::nullopt, 0, 10.6)};
  EXPECT_EQ(sendable(site, 32, states), (std::vector<std::size_t>{0, 1}));
  // Sent: still 16 at worst each until they answer.
  states[0].pending_a = 10.6;
  states[1].pending_a = 10.6;
  EXPECT_EQ(sendable(site, 32, states), (std::vector<std::size_t>{}));
  EXPECT_DOUBLE_EQ(worst_case(site, states)[0], 32);
  // One accepts: 5.4 A free, not enough for 10.6.
  states[0].in_force_a = 10.6;
  states[0].pending_a.reset();
  EXPECT_EQ(sendable(site, 32, states), (std::vector<std::size_t>{}));
  states[1].in_force_a = 10.6;
  states[1].pending_a.reset();
  EXPECT_EQ(sendable(site, 32, states), (std::vector<std::size_t>{2}));
  states[2].pending_a = 10.6;
  EXPECT_LE(worst_case(site, states)[0], 32);
}

TEST(LoadTransition, AnUncontrolledSessionCountsAtWhatItMayDraw) {
  auto site = site_of(32);
  std::vector<ProfileState> states = {state(std::nullopt, std::nullopt, std::nullopt, 32, 16),
                                      state(0.0, std::nullopt, std::nullopt, 0, 16)};
  // The first may draw 32 until it accepts its 16: the second cannot rise yet.
  EXPECT_EQ(sendable(site, 32, states), (std::vector<std::size_t>{0}));
}

TEST(LoadTransition, AProfileWhoseFateIsUnknownCountsUntilAnotherIsAccepted) {
  auto site = site_of(32);
  // Sent 20 A, no answer: the station may apply it; holding 10, it may draw 20.
  ProfileState lost = state(10.0, std::nullopt, 20.0, 0, 10);
  ProfileState other = state(12.0, std::nullopt, std::nullopt, 0, 20);
  EXPECT_DOUBLE_EQ(lost.worst(), 20);
  // 20 + 12 = 32: the other's rise to 20 does not fit; lowering the first goes.
  EXPECT_EQ(sendable(site, 32, {lost, other}), (std::vector<std::size_t>{0}));
}

TEST(LoadAllocation, AnUncontrollableLoadOverOnePhaseDoesNotHoldBackTheOthers) {
  // An offline station's single-phase car holds 40 A on L1 of a 32 A site: L2's car still
  // gets the rest of its phase.
  auto stuck = car("stuck", 0), free = car("free", 1);
  stuck.phases = 1;
  stuck.phase = 1;
  stuck.fixed_a = 40;
  free.phases = 1;
  free.phase = 2;
  EXPECT_EQ(currents(site_of(32), {stuck, free}), (std::vector<double>{40, 32}));
}

TEST(LoadAllocation, ASettlingSessionKeepsItsAllocationUntilItsSamplesCatchUp) {
  auto a = car("a", 0), b = car("b", 1);
  a.current_a = 10;
  a.settling = true;  // just lowered to 10: no rise yet
  EXPECT_EQ(currents(site_of(32), {a, b}), (std::vector<double>{10, 22}));
}

}  // namespace
}  // namespace csms::charging
