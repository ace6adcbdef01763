// Load management over a simulated day (bench/load_management.sh): chargers on sites with
// arrivals and departures, stations that answer profiles after a delay (some late, some
// never, some refusing), cars that take less than they are given. Each second the planner the
// server runs (charging::plan_load) sees what the database would hold; the stations apply
// what they accept when they answer. Prints the worst overshoot of any site over its limit
// (what the cars actually draw), the time from a session start or stop until the site is in
// sync again, and the profiles sent per session.
//
// Usage: csms-load-sim [sites] [chargers per site] [seed]

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "csms/charging/load_planner.hpp"

using namespace csms;
using namespace std::chrono;

namespace {

struct Answer {
  long long at_ms = 0;
  std::size_t station = 0;
  std::int64_t transaction = 0;
  double limit = 0;
  bool lost = false;  // applied, but the answer never reaches the CSMS
};

struct Station {
  std::string id;
  std::size_t site = 0;
  double answer_ms = 500;  // typical answer time
  bool refuses = false;
  bool silent = false;  // never answers
  // The session: its car's maximum, phases, energy still wanted, the departure second.
  std::int64_t transaction = 0;
  double car_max = 0;
  int phases = 3;
  int phase = 1;
  int known_phases = 3;  // what the load manager last recorded
  int known_phase = 1;
  double wanted_wh = 0;
  long long leaves_at = 0;
  long long started_at = 0;
  double applied = -1;  // the TxProfile the station applies (-1: none: the fallback, 0 A)
  double before = -1;   // what it applied before: a car takes up to 5 s to come down from it
  long long applied_at = 0;
  // What the database would hold of it.
  std::optional<double> target, in_force, pending, unconfirmed, released;
  long long pending_at = 0;
  long long in_force_at = 0;
  int failures = 0;
  long long failed_at = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const int site_count = argc > 1 ? std::atoi(argv[1]) : 50;
  const int per_site = argc > 2 ? std::atoi(argv[2]) : 10;
  std::mt19937 rng(argc > 3 ? std::atoi(argv[3]) : 17);
  std::uniform_real_distribution<double> unit(0, 1);

  std::vector<domain::LoadSiteRow> sites;
  for (int s = 0; s < site_count; ++s) {
    domain::LoadSiteRow row;
    row.id = "site-" + std::to_string(s);
    const double limits[] = {40, 63, 80, 100};
    row.limit_a = limits[s % 4];
    if (s % 3 == 0)  // a cheaper, larger night limit
      row.schedule_json = R"([{"from":"22:00","limit_a":)" + std::to_string(*row.limit_a * 1.5) +
                          R"(},{"from":"06:00","limit_a":)" + std::to_string(*row.limit_a) + "}]";
    row.strategy = s % 5 == 0 ? "priority" : "equal_share";
    sites.push_back(row);
  }
  std::vector<Station> stations;
  for (int s = 0; s < site_count; ++s)
    for (int c = 0; c < per_site; ++c) {
      Station st;
      st.id = "cp-" + std::to_string(s) + "-" + std::to_string(c);
      st.site = static_cast<std::size_t>(s);
      st.answer_ms = 100 + 1900 * unit(rng);
      st.refuses = unit(rng) < 0.01;
      st.silent = unit(rng) < 0.005;
      stations.push_back(st);
    }

  std::vector<Answer> answers;
  std::int64_t next_transaction = 1;
  long long sessions = 0, profiles = 0, site_seconds = 0, overshoot_seconds = 0;
  double worst_overshoot = 0;
  std::vector<long long> dirty_since(sites.size(), -1);
  std::vector<double> rebalance_s;
  const long long day_ms = 24LL * 3600 * 1000;
  const auto epoch = domain::Timestamp{sys_days{year{2026} / 12 / 1}};

  for (long long now_ms = 0; now_ms < day_ms; now_ms += 1000) {
    const auto now = epoch + milliseconds(now_ms);
    const double hour = static_cast<double>(now_ms) / 3.6e6;
    // Arrivals (busier 7-10 and 16-20) and departures.
    const double rate = (hour >= 7 && hour < 10) || (hour >= 16 && hour < 20) ? 1.0 / 3600 : 0.3 / 3600;
    for (auto& st : stations) {
      if (st.transaction && (now_ms >= st.leaves_at)) {
        st.transaction = 0;
        st.applied = -1;
        st.before = -1;
        st.target.reset();
        st.in_force.reset();
        st.pending.reset();
        st.unconfirmed.reset();
        st.released.reset();
        st.failures = 0;
        st.known_phases = 3;
        st.known_phase = 1;
        dirty_since[st.site] = dirty_since[st.site] < 0 ? now_ms : dirty_since[st.site];
      } else if (!st.transaction && unit(rng) < rate) {
        st.transaction = next_transaction++;
        st.started_at = now_ms;
        st.car_max = unit(rng) < 0.5 ? 16 : 32;
        st.phases = unit(rng) < 0.2 ? 1 : 3;
        st.phase = 1 + static_cast<int>(unit(rng) * 3) % 3;
        st.wanted_wh = 5000 + 45000 * unit(rng);
        st.leaves_at = now_ms + static_cast<long long>((1 + 7 * unit(rng)) * 3.6e6);
        ++sessions;
        dirty_since[st.site] = dirty_since[st.site] < 0 ? now_ms : dirty_since[st.site];
      }
    }
    // Stations answer what is due: an accepted profile applies from the answer on.
    std::vector<Answer> later;
    for (const auto& a : answers) {
      if (a.at_ms > now_ms) {
        later.push_back(a);
        continue;
      }
      auto& st = stations[a.station];
      if (st.transaction != a.transaction) continue;
      const bool accepted = !st.refuses;
      if (accepted) {
        st.before = st.applied;
        st.applied_at = now_ms;
        st.applied = a.limit;
      }
      if (a.lost) continue;
      if (accepted) {
        st.released = st.in_force && *st.in_force > a.limit ? st.in_force : std::nullopt;
        st.in_force = a.limit;
        st.in_force_at = now_ms;
        st.unconfirmed.reset();
      }
      if (st.pending && std::abs(*st.pending - a.limit) < 1e-9) st.pending.reset();
      st.failures = accepted ? 0 : st.failures + 1;
      if (!accepted) st.failed_at = now_ms;
    }
    answers = std::move(later);
    // What the cars draw: the applied profile (else the 0 A fallback), their maximum, and
    // nothing once they have what they wanted.
    std::vector<std::array<double, 3>> drawn(sites.size(), std::array<double, 3>{});
    for (auto& st : stations) {
      if (!st.transaction) continue;
      const double limit = now_ms - st.applied_at < 5000 ? std::max(st.applied, st.before) : st.applied;
      double amps = std::min(std::max(limit, 0.0), st.car_max);
      if (st.wanted_wh <= 0) amps = 0;
      st.wanted_wh -= amps * 230 * st.phases / 3600.0;
      for (int p = 0; p < 3; ++p)
        if (st.phases == 3 || st.phase - 1 == p) drawn[st.site][p] += amps;
    }
    // The database view, with the repository's rules (no answer in 90 s: failed, the
    // higher value stays in force).
    domain::LoadSnapshot snapshot;
    snapshot.sites = sites;
    for (std::size_t i = 0; i < stations.size(); ++i) {
      auto& st = stations[i];
      if (!st.transaction) continue;
      if (st.pending && now_ms - st.pending_at > 90'000) {
        st.unconfirmed = std::max(st.unconfirmed.value_or(0), *st.pending);
        st.pending.reset();
        ++st.failures;
        st.failed_at = now_ms;
      }
      domain::LoadSessionRow row;
      row.transaction_id = st.transaction;
      row.site_id = sites[st.site].id;
      row.station_id = st.id;
      row.protocol = "ocpp2.0.1";
      row.ocpp_transaction_id = std::to_string(st.transaction);
      row.evse_id = 1;
      row.online = true;
      row.started_at = epoch + milliseconds(st.started_at);
      row.priority = st.transaction % 7 == 0 ? 1 : 0;
      const double drawing = std::min(std::max(st.applied, 0.0), st.car_max);
      if (now_ms - st.started_at > 10'000) {
        row.measured_at = now;
        row.measured_a = st.wanted_wh > 0 ? drawing : 0.0;
        row.live_phases = row.measured_a > 1 ? st.phases : 0;
        row.first_phase = st.phase;
      }
      row.fallback_a = 0;
      row.managed = st.target.has_value();
      row.phases = st.known_phases;
      row.phase = st.known_phase;
      row.target_a = st.target;
      row.in_force_a = st.in_force;
      if (st.in_force) row.in_force_at = epoch + milliseconds(st.in_force_at);
      row.released_a = st.released;
      row.pending_a = st.pending;
      row.unconfirmed_a = st.unconfirmed;
      row.failures = st.failures;
      if (st.failures) row.failed_at = epoch + milliseconds(st.failed_at);
      snapshot.sessions.push_back(row);
    }
    auto round = charging::plan_load(snapshot, now);
    std::map<std::int64_t, std::size_t> by_transaction;
    for (std::size_t i = 0; i < stations.size(); ++i)
      if (stations[i].transaction) by_transaction[stations[i].transaction] = i;
    for (const auto& send : round.planned) {
      auto& st = stations[by_transaction.at(send.transaction_id)];
      st.target = send.limit_a;
      st.known_phases = send.phases;
      st.known_phase = send.phase;
      if (!send.sent) continue;
      ++profiles;
      st.pending = send.limit_a;
      st.pending_at = now_ms;
      // A silent station applies the profile, but its answer is lost.
      answers.push_back({now_ms + static_cast<long long>(st.answer_ms * (0.5 + unit(rng))),
                         by_transaction.at(send.transaction_id), send.transaction_id, send.limit_a,
                         st.silent});
    }
    for (std::size_t s = 0; s < round.sites.size(); ++s) {
      const auto& site = round.sites[s];
      ++site_seconds;
      const int minute = charging::local_minute(now, sites[s].time_zone);
      const double in_force = charging::limit_between(charging::load_site_of(sites[s]), minute, minute);
      for (int p = 0; p < 3; ++p) {
        const double over = drawn[s][p] - in_force;
        if (over > 1e-9) {
          worst_overshoot = std::max(worst_overshoot, over);
          ++overshoot_seconds;
        }
      }
      bool synced = true;
      for (const auto& session : site.sessions)
        if (session.controlled &&
            (!session.in_force_a || std::abs(*session.in_force_a - session.target_a) > 1e-9 ||
             session.pending_a))
          synced = false;
      if (synced && dirty_since[s] >= 0) {
        rebalance_s.push_back(static_cast<double>(now_ms - dirty_since[s]) / 1000.0);
        dirty_since[s] = -1;
      }
    }
  }
  std::sort(rebalance_s.begin(), rebalance_s.end());
  double mean = 0;
  for (double r : rebalance_s) mean += r;
  mean = rebalance_s.empty() ? 0 : mean / static_cast<double>(rebalance_s.size());
  auto pct = [&](double q) {
    return rebalance_s.empty() ? 0.0 : rebalance_s[static_cast<std::size_t>(q * (rebalance_s.size() - 1))];
  };
  std::printf("sites                      %d (%d chargers each, %zu in all)\n", site_count, per_site,
              stations.size());
  std::printf("sessions                   %lld over one simulated day\n", sessions);
  std::printf("worst site overshoot       %.1f A (%lld of %lld site-seconds over)\n", worst_overshoot,
              overshoot_seconds, site_seconds);
  std::printf(
      "re-balance after a change  mean %.1f s, median %.1f s, p95 %.1f s (%zu changes; 1 s planning ticks)\n",
      mean, pct(0.5), pct(0.95), rebalance_s.size());
  std::printf("profiles sent per session  %.2f\n", sessions ? static_cast<double>(profiles) / sessions : 0.0);
  return worst_overshoot > 0 ? 1 : 0;
}
