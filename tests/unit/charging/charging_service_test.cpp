#include "csms/charging/charging_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "support/fake_charging_repository.hpp"

namespace csms::charging {
namespace {

using namespace domain;
using namespace std::chrono;
using testing::FakeChargingRepository;

Timestamp at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return Timestamp{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s};
}

// When the messages arrive; the default future tolerance is 300 s.
const Timestamp kNow = at(2024, 3, 1, 12, 0, 0);
const Timestamp kStarted = at(2024, 3, 1, 11, 0, 0);
const Timestamp kStopped = at(2024, 3, 1, 11, 30, 0);

bool has(const std::vector<std::string>& flags, std::string_view flag) {
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

template <typename T>
std::vector<T> events_of(const Outcome& outcome) {
  std::vector<T> found;
  for (const auto& event : outcome.events)
    if (const auto* e = std::get_if<T>(&event)) found.push_back(*e);
  return found;
}

MeterSample energy(Timestamp t, double wh, std::string context = "Sample.Periodic") {
  MeterSample sample;
  sample.timestamp = t;
  sample.context = std::move(context);
  sample.unit = "Wh";
  sample.raw_value = std::to_string(wh);
  sample.value = wh;
  sample.canonical_unit = "Wh";
  sample.canonical_value = wh;
  return sample;
}

IdTokenRecord token(std::string value, AuthorizationStatus status = AuthorizationStatus::Accepted) {
  IdTokenRecord record;
  record.token = std::move(value);
  record.status = status;
  return record;
}

StartTransactionRequest start_request(std::string tag, int evse_id = 1, double meter_start = 1000,
                                      Timestamp t = kStarted) {
  StartTransactionRequest start;
  start.evse_id = evse_id;
  start.connector_id = 1;
  start.id_token = IdToken{std::move(tag), ""};
  start.meter_start_wh = meter_start;
  start.timestamp = t;
  return start;
}

StopTransactionRequest stop_request(std::int64_t id, double meter_stop = 5000, Timestamp t = kStopped) {
  StopTransactionRequest stop;
  stop.transaction_id = id;
  stop.meter_stop_wh = meter_stop;
  stop.timestamp = t;
  return stop;
}

TransactionEventRequest transaction_event(TransactionEventKind kind, int seq_no, Timestamp t,
                                          std::string transaction_id = "tx-1") {
  TransactionEventRequest event;
  event.kind = kind;
  event.seq_no = seq_no;
  event.timestamp = t;
  event.transaction_id = std::move(transaction_id);
  event.trigger_reason = kind == TransactionEventKind::Started ? "Authorized"
                         : kind == TransactionEventKind::Ended ? "EVDeparted"
                                                               : "MeterValuePeriodic";
  return event;
}

StatusRequest status_request(int evse_id, ConnectorStatus status, Timestamp t) {
  StatusRequest request;
  request.evse_id = evse_id;
  request.connector_id = 1;
  request.status = status;
  request.timestamp = t;
  return request;
}

class ChargingServiceTest : public ::testing::Test {
 protected:
  MessageContext context(std::string protocol = "ocpp1.6") {
    MessageContext ctx;
    ctx.station_id = "CP-1";
    ctx.protocol = std::move(protocol);
    ctx.message_id = "m" + std::to_string(++messages_);
    ctx.received_at = kNow;
    return ctx;
  }

  Outcome handle(const Request& request) { return service_.handle(context(), request, repo_); }
  Outcome handle_201(const Request& request) { return service_.handle(context("ocpp2.0.1"), request, repo_); }

  template <typename T>
  T response_of(const Outcome& outcome) {
    EXPECT_TRUE(std::holds_alternative<T>(outcome.response))
        << "response alternative " << outcome.response.index();
    return std::get<T>(outcome.response);
  }

  AuthorizationStatus authorize_status(const std::string& tag) {
    return response_of<AuthorizeResponse>(handle(AuthorizeRequest{IdToken{tag, ""}})).authorization.status;
  }

  std::int64_t start(const std::string& tag, int evse_id = 1) {
    return response_of<StartTransactionResponse>(handle(start_request(tag, evse_id))).transaction_id;
  }

  ChargingService service_{ChargingSettings{}};
  FakeChargingRepository repo_;
  int messages_ = 0;
};

// ---------------------------------------------------------------------------------------
// Authorization

TEST_F(ChargingServiceTest, Authorize_UnknownToken_IsInvalid) {
  EXPECT_EQ(authorize_status("NOBODY"), AuthorizationStatus::Invalid);
}

TEST_F(ChargingServiceTest, Authorize_AcceptedToken_IsAcceptedWithExpiryAndGroup) {
  auto record = token("TAG1");
  record.expires_at = kNow + hours{1};
  record.group = "FLEET";
  repo_.add_id_token(record);
  auto authorization =
      response_of<AuthorizeResponse>(handle(AuthorizeRequest{IdToken{"TAG1", ""}})).authorization;
  EXPECT_EQ(authorization.status, AuthorizationStatus::Accepted);
  EXPECT_EQ(authorization.expires_at, kNow + hours{1});
  EXPECT_EQ(authorization.group, "FLEET");
}

TEST_F(ChargingServiceTest, Authorize_BlockedToken_StaysBlocked) {
  auto record = token("TAG1", AuthorizationStatus::Blocked);
  record.expires_at = kNow - hours{1};  // expired as well: Blocked is the stronger answer
  repo_.add_id_token(record);
  EXPECT_EQ(authorize_status("TAG1"), AuthorizationStatus::Blocked);
}

TEST_F(ChargingServiceTest, Authorize_BlockedTokenWithOpenTransaction_StaysBlocked) {
  repo_.add_id_token(token("TAG1"));
  start("TAG1");
  repo_.add_id_token(token("TAG1", AuthorizationStatus::Blocked));
  EXPECT_EQ(authorize_status("TAG1"), AuthorizationStatus::Blocked);
}

TEST_F(ChargingServiceTest, Authorize_TokenPastItsExpiry_IsExpiredByTheClock) {
  auto record = token("TAG1");
  record.expires_at = kNow - seconds{1};
  repo_.add_id_token(record);
  EXPECT_EQ(authorize_status("TAG1"), AuthorizationStatus::Expired);
}

TEST_F(ChargingServiceTest, Authorize_TokenExpiringThisVeryMoment_IsExpired) {
  auto record = token("TAG1");
  record.expires_at = kNow;
  repo_.add_id_token(record);
  EXPECT_EQ(authorize_status("TAG1"), AuthorizationStatus::Expired);
}

TEST_F(ChargingServiceTest, Authorize_TokenExpiringLater_IsAccepted) {
  auto record = token("TAG1");
  record.expires_at = kNow + seconds{1};
  repo_.add_id_token(record);
  EXPECT_EQ(authorize_status("TAG1"), AuthorizationStatus::Accepted);
}

TEST_F(ChargingServiceTest, Authorize_TokenWithOpenTransaction_IsAccepted_ConcurrentTxIsForStartsOnly) {
  // Both versions: ConcurrentTx is "only relevant" to a transaction's start; a driver who
  // presents the card to stop the session must be Accepted.
  repo_.add_id_token(token("TAG1"));
  start("TAG1");
  EXPECT_EQ(authorize_status("TAG1"), AuthorizationStatus::Accepted);
}

TEST_F(ChargingServiceTest, IdTokens_AreCaseInsensitive_AndStoredUnderTheirOwnSpelling) {
  repo_.add_id_token(token("AbC123"));
  EXPECT_EQ(authorize_status("abc123"), AuthorizationStatus::Accepted);
  auto outcome = handle(start_request("ABC123"));
  auto response = response_of<StartTransactionResponse>(outcome);
  EXPECT_EQ(response.authorization.status, AuthorizationStatus::Accepted);
  EXPECT_EQ(repo_.transaction(response.transaction_id)->id_token, "AbC123");
  EXPECT_EQ(events_of<TransactionStarted>(outcome).at(0).id_token, "AbC123");
  // The same token in another case is the same token: a second session is one too many.
  auto second = response_of<StartTransactionResponse>(handle(start_request("abc123", 2)));
  EXPECT_EQ(second.authorization.status, AuthorizationStatus::ConcurrentTx);

  auto event = transaction_event(TransactionEventKind::Started, 0, kStarted, "tx-ci");
  event.id_token = IdToken{"aBc123", "ISO14443"};
  handle_201(event);
  EXPECT_EQ(repo_.transactions().back().id_token, "AbC123");
}

TEST_F(ChargingServiceTest, MaxConcurrentSessions_AllowsThatMany_NullMeansNoLimit) {
  auto fleet = token("FLEET");
  fleet.max_concurrent_sessions = 3;
  repo_.add_id_token(fleet);
  for (int evse = 1; evse <= 3; ++evse)
    EXPECT_EQ(
        response_of<StartTransactionResponse>(handle(start_request("FLEET", evse))).authorization.status,
        AuthorizationStatus::Accepted)
        << "session " << evse;
  EXPECT_EQ(response_of<StartTransactionResponse>(handle(start_request("FLEET", 4))).authorization.status,
            AuthorizationStatus::ConcurrentTx);

  auto unlimited = token("UNLIMITED");
  unlimited.max_concurrent_sessions = std::nullopt;
  repo_.add_id_token(unlimited);
  for (int evse = 1; evse <= 10; ++evse)
    EXPECT_EQ(
        response_of<StartTransactionResponse>(handle(start_request("UNLIMITED", evse))).authorization.status,
        AuthorizationStatus::Accepted);
}

TEST_F(ChargingServiceTest, TransactionEventStarted_ByATokenAtItsLimit_IsConcurrentTx) {
  repo_.add_id_token(token("TAG1"));
  start("TAG1");  // a 1.6 session still open
  auto event = transaction_event(TransactionEventKind::Started, 0, kStarted, "tx-2");
  event.id_token = IdToken{"TAG1", "ISO14443"};
  auto response = response_of<TransactionEventResponse>(handle_201(event));
  ASSERT_TRUE(response.authorization.has_value());
  EXPECT_EQ(response.authorization->status, AuthorizationStatus::ConcurrentTx);
  // Its own later events are not a second session.
  auto own = transaction_event(TransactionEventKind::Ended, 1, kStopped, "tx-2");
  own.id_token = IdToken{"TAG1", "ISO14443"};
  EXPECT_EQ(response_of<TransactionEventResponse>(handle_201(own)).authorization->status,
            AuthorizationStatus::Accepted);
}

TEST_F(ChargingServiceTest, AnEvseShownFreeAfterAReboot_ClosesTheTransactionItNeverStopped_AndFreesTheToken) {
  repo_.add_id_token(token("TAG1"));
  auto lost = start("TAG1", 1);  // 11:00; its StopTransaction never comes
  handle(BootRequest{});         // the station reboots at 12:00
  EXPECT_TRUE(
      events_of<TransactionEnded>(handle(status_request(2, ConnectorStatus::Available, kNow))).empty())
      << "another EVSE";
  EXPECT_TRUE(events_of<TransactionEnded>(
                  handle(status_request(1, ConnectorStatus::Available, kStarted - minutes{1})))
                  .empty())
      << "stamped (by the station's clock) before the transaction's start";
  EXPECT_TRUE(events_of<TransactionEnded>(handle(status_request(1, ConnectorStatus::Occupied, kNow))).empty())
      << "not free";
  EXPECT_EQ(repo_.transaction(lost)->stopped_at, std::nullopt);

  auto ended = events_of<TransactionEnded>(handle(status_request(1, ConnectorStatus::Available, kNow)));
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].transaction_id, lost);
  EXPECT_EQ(ended[0].reason, "Reboot");
  const auto* tx = repo_.transaction(lost);
  EXPECT_TRUE(tx->stopped_at.has_value());
  EXPECT_TRUE(has(tx->flags, "closed_by_status"));
  EXPECT_EQ(response_of<StartTransactionResponse>(handle(start_request("TAG1", 3, 0, kNow + minutes{1})))
                .authorization.status,
            AuthorizationStatus::Accepted)
      << "the driver is not locked out by the lost session";
  EXPECT_TRUE(
      events_of<TransactionEnded>(handle(status_request(3, ConnectorStatus::Available, kNow + minutes{2})))
          .empty())
      << "a transaction started after the boot is not stale";
}

TEST_F(ChargingServiceTest, ATransactionNamingAReservation_UsesItUp_AReservationStatusUpdateEndsIt) {
  repo_.add_id_token(token("TAG1"));
  auto start = start_request("TAG1");
  start.reservation_id = 41;
  auto id = response_of<StartTransactionResponse>(handle(start)).transaction_id;
  handle(start);  // a retry uses nothing twice
  ASSERT_EQ(repo_.consumed_reservations_.size(), 1u);
  EXPECT_EQ(repo_.consumed_reservations_[0].station_id, "CP-1");
  EXPECT_EQ(repo_.consumed_reservations_[0].reservation_id, 41);
  EXPECT_EQ(repo_.consumed_reservations_[0].transaction_id, id);

  auto event = transaction_event(TransactionEventKind::Started, 0, kStarted, "tx-r");
  event.reservation_id = 42;
  handle_201(event);
  ASSERT_EQ(repo_.consumed_reservations_.size(), 2u);
  EXPECT_EQ(repo_.consumed_reservations_[1].reservation_id, 42);

  StationReport update{"ReservationStatusUpdate",
                       std::nullopt,
                       R"({"reservationId":43,"reservationUpdateStatus":"Expired"})",
                       {},
                       std::pair<int, std::string>{43, "expired"},
                       {},
                       std::nullopt,
                       std::nullopt};
  handle_201(update);
  ASSERT_EQ(repo_.ended_reservations_.size(), 1u);
  EXPECT_EQ(repo_.ended_reservations_[0].reservation_id, 43);
  EXPECT_EQ(repo_.ended_reservations_[0].state, "expired");
}

TEST_F(ChargingServiceTest, StartTransaction_AcceptedToken_IsAcceptedAndRecorded) {
  repo_.add_id_token(token("TAG1"));
  auto outcome = handle(start_request("TAG1", 2, 1500));
  auto response = response_of<StartTransactionResponse>(outcome);
  EXPECT_EQ(response.authorization.status, AuthorizationStatus::Accepted);
  const auto* tx = repo_.transaction(response.transaction_id);
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->evse_id, 2);
  EXPECT_EQ(tx->id_token, "TAG1");
  EXPECT_EQ(tx->meter_start_wh, 1500);
  EXPECT_EQ(tx->started_at, kStarted);
  EXPECT_EQ(tx->authorization_status, AuthorizationStatus::Accepted);
  EXPECT_TRUE(tx->flags.empty());
}

TEST_F(ChargingServiceTest, StartTransaction_UnknownToken_IsInvalidButRecorded) {
  // The charger may already be charging (offline start): the transaction is kept.
  auto response = response_of<StartTransactionResponse>(handle(start_request("NOBODY")));
  EXPECT_EQ(response.authorization.status, AuthorizationStatus::Invalid);
  ASSERT_NE(repo_.transaction(response.transaction_id), nullptr);
  EXPECT_EQ(repo_.transaction(response.transaction_id)->authorization_status, AuthorizationStatus::Invalid);
}

TEST_F(ChargingServiceTest, StartTransaction_TokenWithAnotherOpenTransaction_IsConcurrentTx) {
  repo_.add_id_token(token("TAG1"));
  auto first = start("TAG1", 1);
  auto response = response_of<StartTransactionResponse>(handle(start_request("TAG1", 2)));
  EXPECT_NE(response.transaction_id, first);
  EXPECT_EQ(response.authorization.status, AuthorizationStatus::ConcurrentTx);
  EXPECT_EQ(repo_.transaction(response.transaction_id)->authorization_status,
            AuthorizationStatus::ConcurrentTx);
  EXPECT_EQ(repo_.transaction(first)->authorization_status, AuthorizationStatus::Accepted);
}

TEST_F(ChargingServiceTest, StartTransaction_Retried_ReturnsTheSameIdAndIsNotConcurrentTx) {
  repo_.add_id_token(token("TAG1"));
  auto first = handle(start_request("TAG1"));
  auto retry = handle(start_request("TAG1"));  // same evse, tag, time and register
  auto first_response = response_of<StartTransactionResponse>(first);
  auto retry_response = response_of<StartTransactionResponse>(retry);
  EXPECT_EQ(retry_response.transaction_id, first_response.transaction_id);
  EXPECT_EQ(retry_response.authorization.status, AuthorizationStatus::Accepted);
  EXPECT_EQ(repo_.transactions().size(), 1u);
  EXPECT_EQ(events_of<TransactionStarted>(first).size(), 1u);
  EXPECT_TRUE(events_of<TransactionStarted>(retry).empty());
}

TEST_F(ChargingServiceTest, StartTransaction_DifferingInTheRegister_IsANewTransaction) {
  repo_.add_id_token(token("TAG1"));
  auto first = response_of<StartTransactionResponse>(handle(start_request("TAG1", 1, 1000)));
  auto second = response_of<StartTransactionResponse>(handle(start_request("TAG1", 1, 1001)));
  EXPECT_NE(first.transaction_id, second.transaction_id);
}

TEST_F(ChargingServiceTest, StartTransaction_EmitsTransactionStarted) {
  repo_.add_id_token(token("TAG1"));
  auto outcome = handle(start_request("TAG1", 3, 1500));
  auto started = events_of<TransactionStarted>(outcome);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].transaction_id, response_of<StartTransactionResponse>(outcome).transaction_id);
  EXPECT_EQ(started[0].station_id, "CP-1");
  EXPECT_EQ(started[0].evse_id, 3);
  EXPECT_EQ(started[0].connector_id, 1);
  EXPECT_EQ(started[0].id_token, "TAG1");
  EXPECT_EQ(started[0].meter_start_wh, 1500);
  EXPECT_EQ(started[0].at, kStarted);
}

// ---------------------------------------------------------------------------------------
// Plausibility flags

TEST_F(ChargingServiceTest, StartTransaction_StampedBeyondTheTolerance_IsFlaggedFuture) {
  repo_.add_id_token(token("TAG1"));
  auto id = response_of<StartTransactionResponse>(handle(start_request("TAG1", 1, 0, kNow + seconds{301})))
                .transaction_id;
  EXPECT_TRUE(has(repo_.transaction(id)->flags, flag::kFutureTimestamp));
}

TEST_F(ChargingServiceTest, StartTransaction_StampedJustWithinTheTolerance_IsNotFlagged) {
  repo_.add_id_token(token("TAG1"));
  auto id = response_of<StartTransactionResponse>(handle(start_request("TAG1", 1, 0, kNow + seconds{300})))
                .transaction_id;
  EXPECT_FALSE(has(repo_.transaction(id)->flags, flag::kFutureTimestamp));
}

TEST_F(ChargingServiceTest, StatusNotification_StampedInTheFuture_IsFlagged) {
  handle(status_request(1, ConnectorStatus::Available, kNow + minutes{10}));
  ASSERT_EQ(repo_.status_history().size(), 1u);
  EXPECT_TRUE(has(repo_.status_history()[0].flags, flag::kFutureTimestamp));
}

TEST_F(ChargingServiceTest, MessageIdReused_IsFlaggedOnWhatItWrites) {
  auto ctx = context();
  ctx.message_id_reused = true;
  service_.handle(ctx, status_request(1, ConnectorStatus::Available, kNow), repo_);
  MeterValuesRequest values;
  values.evse_id = 1;
  values.samples = {energy(kNow, 100)};
  service_.handle(ctx, values, repo_);
  ASSERT_EQ(repo_.status_history().size(), 1u);
  EXPECT_TRUE(has(repo_.status_history()[0].flags, flag::kMessageIdReused));
  ASSERT_EQ(repo_.samples().size(), 1u);
  EXPECT_TRUE(has(repo_.samples()[0].sample.flags, flag::kMessageIdReused));
}

TEST_F(ChargingServiceTest, MessageIdNotReused_IsNotFlagged) {
  handle(status_request(1, ConnectorStatus::Available, kNow));
  ASSERT_EQ(repo_.status_history().size(), 1u);
  EXPECT_TRUE(repo_.status_history()[0].flags.empty());
}

TEST_F(ChargingServiceTest, MeterValues_SampleStampedInTheFuture_IsFlaggedAlone) {
  MeterValuesRequest values;
  values.evse_id = 1;
  values.samples = {energy(kNow - minutes{1}, 100), energy(kNow + hours{24}, 200)};
  handle(values);
  ASSERT_EQ(repo_.samples().size(), 2u);
  for (const auto& row : repo_.samples())
    EXPECT_EQ(has(row.sample.flags, flag::kFutureTimestamp), row.sample.timestamp > kNow)
        << row.sample.raw_value;
}

TEST_F(ChargingServiceTest, MeterValues_OutsideTheTransactionWindow_AreFlagged) {
  repo_.add_id_token(token("TAG1"));
  auto id = start("TAG1");  // started 11:00
  MeterValuesRequest values;
  values.evse_id = 1;
  values.transaction_id = std::to_string(id);
  values.samples = {energy(kStarted - minutes{1}, 990), energy(kStarted + minutes{5}, 1200)};
  auto outcome = handle(values);
  ASSERT_EQ(repo_.samples().size(), 2u);
  for (const auto& row : repo_.samples()) {
    EXPECT_EQ(row.transaction_id, id);
    bool early = row.sample.timestamp < kStarted;
    EXPECT_EQ(has(row.sample.flags, flag::kOutsideTransactionWindow), early) << row.sample.raw_value;
  }
  EXPECT_EQ(events_of<MeterValuesRecorded>(outcome).size(), 1u);
}

TEST_F(ChargingServiceTest, MeterValues_ForUnknownTransaction_AreKeptAndFlagged) {
  MeterValuesRequest values;
  values.evse_id = 1;
  values.transaction_id = "999";
  values.samples = {energy(kNow, 100)};
  handle(values);
  ASSERT_EQ(repo_.samples().size(), 1u);
  EXPECT_EQ(repo_.samples()[0].transaction_id, std::nullopt);
  EXPECT_TRUE(has(repo_.samples()[0].sample.flags, flag::kUnknownTransaction));
}

TEST_F(ChargingServiceTest, MeterValues_DeliveredTwice_AreStoredAndAnnouncedOnce) {
  MeterValuesRequest values;
  values.evse_id = 1;
  values.samples = {energy(kNow, 100)};
  auto first = handle(values);
  auto second = handle(values);
  EXPECT_EQ(repo_.samples().size(), 1u);
  EXPECT_EQ(events_of<MeterValuesRecorded>(first).size(), 1u);
  EXPECT_TRUE(events_of<MeterValuesRecorded>(second).empty());
}

// ---------------------------------------------------------------------------------------
// StopTransaction

TEST_F(ChargingServiceTest, StopTransaction_OfOpenTransaction_EndsItAndEmitsTransactionEnded) {
  repo_.add_id_token(token("TAG1"));
  auto id = start("TAG1");
  auto stop = stop_request(id, 5000);
  stop.reason = "EVDisconnected";
  auto outcome = handle(stop);
  const auto* tx = repo_.transaction(id);
  EXPECT_EQ(tx->stopped_at, kStopped);
  EXPECT_EQ(tx->meter_stop_wh, 5000);
  EXPECT_EQ(tx->stop_reason, "EVDisconnected");
  EXPECT_TRUE(tx->flags.empty());
  auto ended = events_of<TransactionEnded>(outcome);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].transaction_id, id);
  EXPECT_EQ(ended[0].meter_stop_wh, 5000);
  EXPECT_EQ(ended[0].reason, "EVDisconnected");
  EXPECT_EQ(ended[0].at, kStopped);
}

TEST_F(ChargingServiceTest, StopTransaction_Retried_EndsTheTransactionOnce) {
  repo_.add_id_token(token("TAG1"));
  auto id = start("TAG1");
  auto first = handle(stop_request(id));
  auto retry = handle(stop_request(id));
  EXPECT_EQ(events_of<TransactionEnded>(first).size(), 1u);
  EXPECT_TRUE(events_of<TransactionEnded>(retry).empty());
  EXPECT_TRUE(std::holds_alternative<StopTransactionResponse>(retry.response));
}

TEST_F(ChargingServiceTest, StopTransaction_WithIdTag_AnswersItsIdTagInfo) {
  repo_.add_id_token(token("TAG1"));
  auto id = start("TAG1");
  auto stop = stop_request(id);
  stop.id_token = IdToken{"TAG1", ""};
  auto response = response_of<StopTransactionResponse>(handle(stop));
  ASSERT_TRUE(response.authorization.has_value());
  EXPECT_EQ(response.authorization->status, AuthorizationStatus::Accepted);
  EXPECT_EQ(repo_.transaction(id)->stop_id_token, "TAG1");
}

TEST_F(ChargingServiceTest, StopTransaction_WithoutIdTag_AnswersNoIdTagInfo) {
  repo_.add_id_token(token("TAG1"));
  auto id = start("TAG1");
  EXPECT_FALSE(response_of<StopTransactionResponse>(handle(stop_request(id))).authorization.has_value());
}

TEST_F(ChargingServiceTest, StopTransaction_WithUnknownId_IsAcceptedAndRecorded) {
  auto stop = stop_request(999, 4200);
  stop.id_token = IdToken{"NOBODY", ""};
  auto outcome = handle(stop);
  auto response = response_of<StopTransactionResponse>(outcome);
  ASSERT_TRUE(response.authorization.has_value());
  EXPECT_EQ(response.authorization->status, AuthorizationStatus::Invalid);
  ASSERT_EQ(repo_.transactions().size(), 1u);
  const auto& orphan = repo_.transactions()[0];
  EXPECT_EQ(orphan.ocpp_transaction_id, "999");
  EXPECT_EQ(orphan.stopped_at, kStopped);
  EXPECT_EQ(orphan.meter_stop_wh, 4200);
  EXPECT_TRUE(has(orphan.flags, flag::kUnknownTransaction));
  EXPECT_FALSE(has(orphan.flags, flag::kNoTransactionId));
  auto ended = events_of<TransactionEnded>(outcome);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].transaction_id, orphan.id);
}

TEST_F(ChargingServiceTest, StopTransaction_WithUnknownIdRetried_EndsItOnce) {
  auto first = handle(stop_request(999));
  auto retry = handle(stop_request(999));
  EXPECT_EQ(repo_.transactions().size(), 1u);
  EXPECT_EQ(events_of<TransactionEnded>(first).size(), 1u);
  EXPECT_TRUE(events_of<TransactionEnded>(retry).empty());
}

TEST_F(ChargingServiceTest, StopTransaction_WithMinusOne_IsAcceptedAndRecordedAsHavingNoId) {
  // 1.6 chargers send -1 when the StartTransaction was never answered.
  auto outcome = handle(stop_request(-1, 4200));
  EXPECT_TRUE(std::holds_alternative<StopTransactionResponse>(outcome.response));
  ASSERT_EQ(repo_.transactions().size(), 1u);
  const auto& orphan = repo_.transactions()[0];
  EXPECT_TRUE(has(orphan.flags, flag::kNoTransactionId));
  EXPECT_FALSE(has(orphan.flags, flag::kUnknownTransaction));
  EXPECT_EQ(orphan.meter_stop_wh, 4200);
  EXPECT_EQ(events_of<TransactionEnded>(outcome).size(), 1u);
}

TEST_F(ChargingServiceTest, StopTransaction_WithMinusOneRetried_IsOneTransactionEndedOnce) {
  auto first = handle(stop_request(-1, 4200));
  auto retry = handle(stop_request(-1, 4200));  // same stop time and register: the same stop
  EXPECT_EQ(repo_.transactions().size(), 1u);
  EXPECT_EQ(events_of<TransactionEnded>(first).size(), 1u);
  EXPECT_TRUE(events_of<TransactionEnded>(retry).empty()) << "billing must not see the session end twice";
}

TEST_F(ChargingServiceTest, TransactionEvent_UpdatedWithoutEvse_KeepsTheEvseOfItsStart) {
  // E01: only the first TransactionEvent of a transaction must name the EVSE.
  auto started = transaction_event(TransactionEventKind::Started, 0, kStarted);
  started.evse_id = 3;
  started.connector_id = 1;
  handle_201(started);
  auto updated = transaction_event(TransactionEventKind::Updated, 1, kStarted + minutes{5});
  updated.samples = {energy(kStarted + minutes{5}, 1500)};
  auto recorded = events_of<MeterValuesRecorded>(handle_201(updated));
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].evse_id, 3);
}

TEST_F(ChargingServiceTest, TransactionEvent_NoAuthorizationToken_IsAcceptedWithoutLookup) {
  // 2.0.1 free vend: the station identifies nobody; refusing would stop the session.
  auto event = transaction_event(TransactionEventKind::Started, 0, kStarted);
  event.id_token = IdToken{"", "NoAuthorization"};
  auto response = response_of<TransactionEventResponse>(handle_201(event));
  ASSERT_TRUE(response.authorization.has_value());
  EXPECT_EQ(response.authorization->status, AuthorizationStatus::Accepted);
}

TEST_F(ChargingServiceTest, StopTransaction_TwoDifferentMinusOneStops_AreTwoTransactions) {
  handle(stop_request(-1, 4200, kStopped));
  handle(stop_request(-1, 8000, kStopped + minutes{20}));
  EXPECT_EQ(repo_.transactions().size(), 2u);
}

TEST_F(ChargingServiceTest, StopTransaction_MeterStopBelowMeterStart_IsFlagged) {
  repo_.add_id_token(token("TAG1"));
  auto id = response_of<StartTransactionResponse>(handle(start_request("TAG1", 1, 5000))).transaction_id;
  handle(stop_request(id, 4999));
  EXPECT_TRUE(has(repo_.transaction(id)->flags, flag::kMeterStopBelowStart));
}

TEST_F(ChargingServiceTest, StopTransaction_MeterStopEqualToMeterStart_IsNotFlagged) {
  repo_.add_id_token(token("TAG1"));
  auto id = response_of<StartTransactionResponse>(handle(start_request("TAG1", 1, 5000))).transaction_id;
  handle(stop_request(id, 5000));
  EXPECT_FALSE(has(repo_.transaction(id)->flags, flag::kMeterStopBelowStart));
}

TEST_F(ChargingServiceTest, StopTransaction_StampedInTheFuture_IsFlagged) {
  repo_.add_id_token(token("TAG1"));
  auto id = start("TAG1");
  handle(stop_request(id, 5000, kNow + minutes{6}));
  EXPECT_TRUE(has(repo_.transaction(id)->flags, flag::kFutureTimestamp));
}

TEST_F(ChargingServiceTest, StopTransaction_TransactionDataOutsideTheWindow_IsFlagged) {
  repo_.add_id_token(token("TAG1"));
  auto id = start("TAG1", 2);  // 11:00 on EVSE 2; stopped 11:30
  auto stop = stop_request(id, 5000);
  stop.samples = {energy(kStarted - minutes{1}, 999, "Transaction.Begin"),
                  energy(kStarted, 1000, "Transaction.Begin"), energy(kStopped, 5000, "Transaction.End"),
                  energy(kStopped + minutes{1}, 5001)};
  auto outcome = handle(stop);
  ASSERT_EQ(repo_.samples().size(), 4u);
  for (const auto& row : repo_.samples()) {
    EXPECT_EQ(row.transaction_id, id);
    EXPECT_EQ(row.evse_id, 2);
    // The window is [start, stop], both ends included.
    bool outside = row.sample.timestamp < kStarted || row.sample.timestamp > kStopped;
    EXPECT_EQ(has(row.sample.flags, flag::kOutsideTransactionWindow), outside) << row.sample.raw_value;
  }
  EXPECT_EQ(events_of<MeterValuesRecorded>(outcome).size(), 1u);
}

// ---------------------------------------------------------------------------------------
// Status, boot, other messages

TEST_F(ChargingServiceTest, StatusNotification_EmitsConnectorStatusChanged) {
  auto request = status_request(2, ConnectorStatus::Faulted, kNow);
  request.error_code = "GroundFailure";
  request.info = "RCD";
  auto outcome = handle(request);
  EXPECT_TRUE(std::holds_alternative<EmptyResponse>(outcome.response));
  auto changed = events_of<ConnectorStatusChanged>(outcome);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].station_id, "CP-1");
  EXPECT_EQ(changed[0].evse_id, 2);
  EXPECT_EQ(changed[0].connector_id, 1);
  EXPECT_EQ(changed[0].status, ConnectorStatus::Faulted);
  EXPECT_EQ(changed[0].error_code, "GroundFailure");
  EXPECT_EQ(changed[0].info, "RCD");
  EXPECT_EQ(changed[0].at, kNow);
}

TEST_F(ChargingServiceTest, StatusNotification_DeliveredTwice_ChangesOnce) {
  auto request = status_request(1, ConnectorStatus::Charging, kNow);
  EXPECT_EQ(events_of<ConnectorStatusChanged>(handle(request)).size(), 1u);
  EXPECT_TRUE(events_of<ConnectorStatusChanged>(handle(request)).empty());
  EXPECT_EQ(repo_.status_history().size(), 1u);
}

TEST_F(ChargingServiceTest, Boot_UnknownStationUnderAcceptPolicy_IsAccepted) {
  auto outcome = handle(BootRequest{});
  auto response = response_of<BootResponse>(outcome);
  EXPECT_EQ(response.status, RegistrationStatus::Accepted);
  EXPECT_EQ(response.interval_s, 300);
  EXPECT_EQ(response.current_time, kNow);
  ASSERT_NE(repo_.station("CP-1"), nullptr);
  EXPECT_EQ(repo_.station("CP-1")->record.registration, RegistrationStatus::Accepted);
  EXPECT_FALSE(repo_.station("CP-1")->record.known);
}

TEST_F(ChargingServiceTest, Boot_UnknownStationUnderPendingPolicy_IsPending) {
  ChargingService service{ChargingSettings{UnknownStationPolicy::Pending, 60, seconds{300}}};
  auto outcome = service.handle(context(), BootRequest{}, repo_);
  auto response = response_of<BootResponse>(outcome);
  EXPECT_EQ(response.status, RegistrationStatus::Pending);
  EXPECT_EQ(response.interval_s, 60);
  EXPECT_EQ(repo_.station("CP-1")->record.registration, RegistrationStatus::Pending);
}

TEST_F(ChargingServiceTest, Boot_UnknownStationUnderRejectPolicy_IsRejected) {
  ChargingService service{ChargingSettings{UnknownStationPolicy::Reject, 300, seconds{300}}};
  auto response = response_of<BootResponse>(service.handle(context(), BootRequest{}, repo_));
  EXPECT_EQ(response.status, RegistrationStatus::Rejected);
}

TEST_F(ChargingServiceTest, Boot_KnownPendingStation_StaysPendingUnderAcceptPolicy) {
  StationRecord station;
  station.id = "CP-1";
  station.registration = RegistrationStatus::Pending;
  repo_.add_station(station);
  auto response = response_of<BootResponse>(handle(BootRequest{}));
  EXPECT_EQ(response.status, RegistrationStatus::Pending);
  EXPECT_EQ(repo_.station("CP-1")->record.registration, RegistrationStatus::Pending);
}

TEST_F(ChargingServiceTest, Boot_KnownAcceptedStation_StaysAcceptedUnderRejectPolicy) {
  StationRecord station;
  station.id = "CP-1";
  repo_.add_station(station);
  ChargingService service{ChargingSettings{UnknownStationPolicy::Reject, 300, seconds{300}}};
  EXPECT_EQ(response_of<BootResponse>(service.handle(context(), BootRequest{}, repo_)).status,
            RegistrationStatus::Accepted);
}

TEST_F(ChargingServiceTest, Boot_AfterConnectingUnderPendingPolicy_IsPending) {
  // The gateway registers the station on connection, before its first message.
  ChargingService service{ChargingSettings{UnknownStationPolicy::Pending, 300, seconds{300}}};
  repo_.connect_station("CP-1", "ocpp1.6", kNow, service.registration_for_unknown());
  EXPECT_EQ(response_of<BootResponse>(service.handle(context(), BootRequest{}, repo_)).status,
            RegistrationStatus::Pending);
}

TEST_F(ChargingServiceTest, Boot_EmitsStationBootedWithReason) {
  BootRequest boot;
  boot.vendor = "Acme";
  boot.reason = "PowerUp";
  auto booted = events_of<StationBooted>(handle_201(boot));
  ASSERT_EQ(booted.size(), 1u);
  EXPECT_EQ(booted[0].station_id, "CP-1");
  EXPECT_EQ(booted[0].status, RegistrationStatus::Accepted);
  EXPECT_EQ(booted[0].reason, "PowerUp");
  EXPECT_EQ(repo_.station("CP-1")->last_boot->vendor, "Acme");
}

TEST_F(ChargingServiceTest, Heartbeat_AnswersTheTime) {
  EXPECT_EQ(response_of<HeartbeatResponse>(handle(HeartbeatRequest{})).current_time, kNow);
}

TEST_F(ChargingServiceTest, DataTransfer_IsRecordedAndAnsweredUnknownVendor) {
  auto response = response_of<DataTransferResponse>(handle(DataTransferRequest{"com.acme", "Price", "{}"}));
  EXPECT_EQ(response.status, "UnknownVendorId");
  ASSERT_EQ(repo_.reports().size(), 1u);
  EXPECT_EQ(repo_.reports()[0].report.kind, "DataTransfer");
}

TEST_F(ChargingServiceTest, Report_IsRecordedFlaggedAndAnnounced) {
  StationReport report{"SecurityEventNotification",
                       kNow + hours{1},
                       R"({"type":"X"})",
                       {},
                       std::nullopt,
                       {},
                       std::nullopt,
                       std::nullopt};
  auto outcome = handle(report);
  ASSERT_EQ(repo_.reports().size(), 1u);
  EXPECT_TRUE(has(repo_.reports()[0].flags, flag::kFutureTimestamp));
  auto reported = events_of<StationReported>(outcome);
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_EQ(reported[0].kind, "SecurityEventNotification");
  EXPECT_EQ(reported[0].at, kNow + hours{1});
}

// ---------------------------------------------------------------------------------------
// 2.0.1 TransactionEvent

TEST_F(ChargingServiceTest, TransactionEventStarted_WithIdToken_AnswersIdTokenInfoAndEmitsStarted) {
  repo_.add_id_token(token("TAG1"));
  auto event = transaction_event(TransactionEventKind::Started, 0, kStarted);
  event.evse_id = 2;
  event.connector_id = 1;
  event.id_token = IdToken{"TAG1", "ISO14443"};
  event.samples = {energy(kStarted, 1000, "Transaction.Begin")};
  auto outcome = handle_201(event);
  auto response = response_of<TransactionEventResponse>(outcome);
  ASSERT_TRUE(response.authorization.has_value());
  EXPECT_EQ(response.authorization->status, AuthorizationStatus::Accepted);
  auto started = events_of<TransactionStarted>(outcome);
  ASSERT_EQ(started.size(), 1u);
  EXPECT_EQ(started[0].evse_id, 2);
  EXPECT_EQ(started[0].connector_id, 1);
  EXPECT_EQ(started[0].id_token, "TAG1");
  EXPECT_EQ(started[0].meter_start_wh, 1000);  // the register sample of the Started event
  EXPECT_EQ(started[0].at, kStarted);
  ASSERT_EQ(repo_.transactions().size(), 1u);
  EXPECT_EQ(repo_.transactions()[0].ocpp_transaction_id, "tx-1");
  EXPECT_EQ(repo_.transactions()[0].id_token_type, "ISO14443");
  EXPECT_EQ(repo_.samples().size(), 1u);
}

TEST_F(ChargingServiceTest, TransactionEvent_WithoutIdToken_AnswersNoIdTokenInfo) {
  auto started = transaction_event(TransactionEventKind::Started, 0, kStarted);
  EXPECT_FALSE(response_of<TransactionEventResponse>(handle_201(started)).authorization.has_value());
  auto updated = transaction_event(TransactionEventKind::Updated, 1, kStarted + minutes{5});
  updated.charging_state = ChargingState::Charging;
  auto outcome = handle_201(updated);
  EXPECT_FALSE(response_of<TransactionEventResponse>(outcome).authorization.has_value());
  auto updates = events_of<TransactionUpdated>(outcome);
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].charging_state, ChargingState::Charging);
  EXPECT_EQ(updates[0].trigger_reason, "MeterValuePeriodic");
}

TEST_F(ChargingServiceTest, TransactionEvent_WithUnknownIdToken_AnswersInvalid) {
  auto event = transaction_event(TransactionEventKind::Updated, 1, kStarted);
  event.id_token = IdToken{"NOBODY", "ISO14443"};
  auto response = response_of<TransactionEventResponse>(handle_201(event));
  ASSERT_TRUE(response.authorization.has_value());
  EXPECT_EQ(response.authorization->status, AuthorizationStatus::Invalid);
}

TEST_F(ChargingServiceTest, TransactionEvent_RetriedWithTheSameSeqNo_CreatesNoSecondEvent) {
  auto event = transaction_event(TransactionEventKind::Started, 0, kStarted);
  event.samples = {energy(kStarted, 1000, "Transaction.Begin")};
  auto first = handle_201(event);
  auto retry = handle_201(event);
  EXPECT_EQ(events_of<TransactionStarted>(first).size(), 1u);
  EXPECT_TRUE(retry.events.empty());
  EXPECT_EQ(repo_.transactions().size(), 1u);
  EXPECT_EQ(repo_.transaction_events().size(), 1u);
  EXPECT_EQ(repo_.samples().size(), 1u);
}

TEST_F(ChargingServiceTest, TransactionEventEnded_EmitsTransactionEndedWithTheLastRegister) {
  handle_201(transaction_event(TransactionEventKind::Started, 0, kStarted));
  auto ended = transaction_event(TransactionEventKind::Ended, 1, kStopped);
  ended.stopped_reason = "EVDisconnected";
  // Two register readings: the later one is the stop value; a phase reading is not one.
  auto phase_reading = energy(kStopped, 9999, "Transaction.End");
  phase_reading.phase = "L1";
  ended.samples = {energy(kStopped - minutes{1}, 4000), energy(kStopped, 5000, "Transaction.End"),
                   phase_reading};
  auto outcome = handle_201(ended);
  auto events = events_of<TransactionEnded>(outcome);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].meter_stop_wh, 5000);
  EXPECT_EQ(events[0].reason, "EVDisconnected");
  EXPECT_EQ(events[0].at, kStopped);
  EXPECT_EQ(repo_.transactions()[0].stopped_at, kStopped);
}

TEST_F(ChargingServiceTest, TransactionEventEnded_WithoutReason_IsLocal) {
  auto outcome = handle_201(transaction_event(TransactionEventKind::Ended, 3, kStopped));
  auto events = events_of<TransactionEnded>(outcome);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, "Local");
  EXPECT_EQ(events[0].meter_stop_wh, std::nullopt);
}

TEST_F(ChargingServiceTest, TransactionEvent_SamplesBeforeTheStart_AreFlaggedOutsideTheWindow) {
  handle_201(transaction_event(TransactionEventKind::Started, 0, kStarted));
  auto updated = transaction_event(TransactionEventKind::Updated, 1, kStarted + minutes{5});
  updated.samples = {energy(kStarted - minutes{2}, 900), energy(kStarted + minutes{5}, 1500)};
  handle_201(updated);
  ASSERT_EQ(repo_.samples().size(), 2u);
  for (const auto& row : repo_.samples())
    EXPECT_EQ(has(row.sample.flags, flag::kOutsideTransactionWindow), row.sample.timestamp < kStarted)
        << row.sample.raw_value;
}

TEST_F(ChargingServiceTest, TransactionEvent_StampedInTheFuture_IsFlagged) {
  handle_201(transaction_event(TransactionEventKind::Started, 0, kNow + hours{1}));
  ASSERT_EQ(repo_.transactions().size(), 1u);
  EXPECT_TRUE(has(repo_.transactions()[0].flags, flag::kFutureTimestamp));
}

}  // namespace
}  // namespace csms::charging
