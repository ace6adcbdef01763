#include "csms/charging/charging_service.hpp"

#include <algorithm>

namespace csms::charging {
namespace {

using namespace domain;

constexpr std::string_view kEnergyRegister = "Energy.Active.Import.Register";

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::vector<std::string> timestamp_flags(const MessageContext& ctx, Timestamp t,
                                         std::chrono::seconds tolerance) {
  if (t > ctx.received_at + tolerance) return {std::string(flag::kFutureTimestamp)};
  return {};
}

std::vector<std::string> with(std::vector<std::string> flags, std::string_view extra) {
  flags.emplace_back(extra);
  return flags;
}

std::vector<std::string> base_flags(const MessageContext& ctx) {
  if (ctx.message_id_reused) return {std::string(flag::kMessageIdReused)};
  return {};
}

std::vector<std::string> merge(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Stores samples of a transaction, flagging those outside its [start, stop] window and,
// each on its own, those stamped in the future.
std::size_t store_samples(ChargingRepository& repo, const MessageContext& ctx, int evse_id,
                          std::optional<std::int64_t> transaction_id, std::optional<Timestamp> started_at,
                          std::optional<Timestamp> stopped_at, const std::vector<MeterSample>& samples,
                          const std::vector<std::string>& flags, std::chrono::seconds tolerance) {
  std::vector<MeterSample> inside;
  std::vector<MeterSample> outside;
  for (const auto& sample : samples) {
    bool early = started_at && sample.timestamp < *started_at;
    bool late = stopped_at && sample.timestamp > *stopped_at;
    auto& batch = early || late ? outside : inside;
    batch.push_back(sample);
    for (auto& flag_name : timestamp_flags(ctx, sample.timestamp, tolerance))
      batch.back().flags.push_back(std::move(flag_name));
  }
  std::size_t stored = 0;
  if (!inside.empty()) stored += repo.insert_samples(ctx, evse_id, transaction_id, inside, flags);
  if (!outside.empty())
    stored += repo.insert_samples(ctx, evse_id, transaction_id, outside,
                                  with(flags, flag::kOutsideTransactionWindow));
  return stored;
}

std::pair<std::optional<double>, std::optional<double>> register_span(
    const std::vector<MeterSample>& samples) {
  std::optional<double> first;
  std::optional<double> last;
  std::optional<Timestamp> first_at;
  std::optional<Timestamp> last_at;
  for (const auto& s : samples) {
    if (s.measurand != kEnergyRegister || !s.phase.empty()) continue;
    if (std::find(s.flags.begin(), s.flags.end(), flag::kUnparseableValue) != s.flags.end()) continue;
    if (!first_at || s.timestamp < *first_at) first_at = s.timestamp, first = s.canonical_value;
    if (!last_at || s.timestamp >= *last_at) last_at = s.timestamp, last = s.canonical_value;
  }
  return {first, last};
}

}  // namespace

RegistrationStatus ChargingService::registration_for_unknown() const {
  switch (settings_.unknown_stations) {
    case UnknownStationPolicy::Accept:
      return RegistrationStatus::Accepted;
    case UnknownStationPolicy::Pending:
      return RegistrationStatus::Pending;
    case UnknownStationPolicy::Reject:
      return RegistrationStatus::Rejected;
  }
  return RegistrationStatus::Rejected;
}

ChargingService::TokenCheck ChargingService::check_token(const IdToken& token, Timestamp now,
                                                         ChargingRepository& repo) const {
  TokenCheck check;
  Authorization& result = check.authorization;
  // 2.0.1 free vend: the station starts without identification (C01 "NoAuthorization").
  if (token.type == "NoAuthorization") {
    result.status = AuthorizationStatus::Accepted;
    return check;
  }
  check.record = repo.find_id_token(token.value);
  const auto& record = check.record;
  if (!record) {
    result.status = AuthorizationStatus::Invalid;
    return check;
  }
  result.status = record->status;
  result.expires_at = record->expires_at;
  result.group = record->group;
  if (result.status == AuthorizationStatus::Accepted && record->expires_at && *record->expires_at <= now)
    result.status = AuthorizationStatus::Expired;
  return check;
}

Authorization ChargingService::authorize(const IdToken& token, Timestamp now,
                                         ChargingRepository& repo) const {
  return check_token(token, now, repo).authorization;
}

void ChargingService::apply_session_limit(TokenCheck& check, std::int64_t own_transaction,
                                          ChargingRepository& repo) const {
  if (check.authorization.status != AuthorizationStatus::Accepted || !check.record ||
      !check.record->max_concurrent_sessions)
    return;
  const auto limit = static_cast<std::size_t>(std::max(1, *check.record->max_concurrent_sessions));
  if (repo.open_transactions(check.record->token, own_transaction, limit) >= limit)
    check.authorization.status = AuthorizationStatus::ConcurrentTx;
}

Outcome ChargingService::handle(const MessageContext& ctx, const Request& request,
                                ChargingRepository& repo) const {
  const auto tolerance = settings_.future_tolerance;
  return std::visit(
      Overloaded{
          [&](const BootRequest& boot) -> Outcome {
            auto station = repo.find_station(ctx.station_id);
            auto status = station ? station->registration : registration_for_unknown();
            repo.record_boot(ctx, boot, status);
            return {BootResponse{status, settings_.heartbeat_interval_s, ctx.received_at},
                    {StationBooted{ctx.station_id, status, boot.reason, ctx.received_at}}};
          },
          [&](const HeartbeatRequest&) -> Outcome {
            return {HeartbeatResponse{ctx.received_at}, {}};
          },
          [&](const StatusRequest& status) -> Outcome {
            auto flags = merge(base_flags(ctx), timestamp_flags(ctx, status.timestamp, tolerance));
            Outcome outcome{EmptyResponse{}, {}};
            if (repo.record_status(ctx, status, flags))
              outcome.events.push_back(ConnectorStatusChanged{
                  ctx.station_id, status.evse_id, status.connector_id, status.status, status.error_code,
                  status.info, status.vendor_error_code, status.timestamp});
            // Free after a reboot: a transaction it never stopped is over (its stop was lost),
            // and must not keep the driver's token busy for ever.
            if (status.status == ConnectorStatus::Available && status.evse_id > 0)
              for (const auto& closed : repo.close_stale_transactions(ctx.station_id, status.evse_id,
                                                                      ctx.received_at, status.timestamp))
                outcome.events.push_back(TransactionEnded{closed.id, ctx.station_id, closed.meter_stop_wh,
                                                          "Reboot", closed.stopped_at});
            return outcome;
          },
          [&](const AuthorizeRequest& authorize_request) -> Outcome {
            return {AuthorizeResponse{authorize(authorize_request.id_token, ctx.received_at, repo)}, {}};
          },
          [&](const StartTransactionRequest& start) -> Outcome {
            auto flags = merge(base_flags(ctx), timestamp_flags(ctx, start.timestamp, tolerance));
            auto check = check_token(start.id_token, ctx.received_at, repo);
            // Kept under the token's stored spelling: OCPP's IdToken is case-insensitive.
            std::optional<StartTransactionRequest> canonical;
            if (check.record && check.record->token != start.id_token.value) {
              canonical = start;
              canonical->id_token.value = check.record->token;
            }
            const StartTransactionRequest& started = canonical ? *canonical : start;
            auto ref = repo.start_transaction(ctx, started, check.authorization, flags);
            if (ref.created && started.reservation_id)
              repo.consume_reservation(ctx.station_id, *started.reservation_id, ref.id);
            // A retry finds its own transaction open: only the others count.
            const auto before = check.authorization.status;
            apply_session_limit(check, ref.id, repo);
            if (ref.created && check.authorization.status != before)
              repo.set_start_authorization(ref.id, check.authorization.status);
            Outcome outcome{StartTransactionResponse{ref.id, check.authorization}, {}};
            if (ref.created)
              outcome.events.push_back(TransactionStarted{
                  ref.id, ctx.station_id, started.evse_id, started.connector_id, started.id_token.value,
                  started.meter_start_wh, started.timestamp, std::nullopt});
            return outcome;
          },
          [&](const StopTransactionRequest& stop) -> Outcome {
            auto flags = merge(base_flags(ctx), timestamp_flags(ctx, stop.timestamp, tolerance));
            std::optional<TransactionRef> ref;
            if (stop.transaction_id > 0)
              ref = repo.find_transaction(ctx.station_id, std::to_string(stop.transaction_id));
            std::int64_t id = 0;
            bool changed = false;
            int evse_id = 0;
            if (ref) {
              id = ref->id;
              evse_id = ref->evse_id;
              if (ref->meter_start_wh && stop.meter_stop_wh < *ref->meter_start_wh)
                flags.emplace_back(flag::kMeterStopBelowStart);
              changed = repo.stop_transaction(ctx, id, stop, flags);
            } else {
              flags.emplace_back(stop.transaction_id > 0 ? flag::kUnknownTransaction
                                                         : flag::kNoTransactionId);
              auto orphan = repo.record_orphan_stop(ctx, stop, flags);
              id = orphan.id;
              changed = orphan.created;
            }
            Outcome outcome{StopTransactionResponse{}, {}};
            std::size_t stored = store_samples(repo, ctx, evse_id, id, ref ? ref->started_at : std::nullopt,
                                               stop.timestamp, stop.samples, base_flags(ctx), tolerance);
            if (stored > 0)
              outcome.events.push_back(MeterValuesRecorded{ctx.station_id, evse_id, id, stop.samples});
            if (changed)
              outcome.events.push_back(
                  TransactionEnded{id, ctx.station_id, stop.meter_stop_wh, stop.reason, stop.timestamp});
            if (stop.id_token)
              std::get<StopTransactionResponse>(outcome.response).authorization =
                  authorize(*stop.id_token, ctx.received_at, repo);
            return outcome;
          },
          [&](const TransactionEventRequest& received) -> Outcome {
            auto flags = merge(base_flags(ctx), timestamp_flags(ctx, received.timestamp, tolerance));
            std::optional<TokenCheck> check;
            if (received.id_token) check = check_token(*received.id_token, ctx.received_at, repo);
            // Kept under the token's stored spelling: OCPP's IdToken is case-insensitive.
            std::optional<TransactionEventRequest> canonical;
            if (check && check->record && check->record->token != received.id_token->value) {
              canonical = received;
              canonical->id_token->value = check->record->token;
            }
            const TransactionEventRequest& event = canonical ? *canonical : received;
            std::optional<Authorization> authorization;
            if (check) authorization = check->authorization;
            auto [first, last] = register_span(event.samples);
            auto ref = repo.record_transaction_event(ctx, event, authorization, first, last, flags);
            if (event.reservation_id) repo.consume_reservation(ctx.station_id, *event.reservation_id, ref.id);
            // The token starts (or is given) this session: beside its other open ones, is it
            // one too many?
            if (check && event.kind != TransactionEventKind::Ended) {
              const auto before = check->authorization.status;
              apply_session_limit(*check, ref.id, repo);
              if (check->authorization.status != before) {
                authorization = check->authorization;
                repo.set_start_authorization(ref.id, check->authorization.status);
              }
            }
            Outcome outcome{TransactionEventResponse{authorization, ref.id, std::nullopt, std::nullopt, {}},
                            {}};
            // 2.0.1 names the EVSE only in the first event of a transaction: later ones take it
            // from the stored transaction.
            int evse_id = event.evse_id.value_or(ref.evse_id);
            std::size_t stored = store_samples(repo, ctx, evse_id, ref.id, ref.started_at, ref.stopped_at,
                                               event.samples, base_flags(ctx), tolerance);
            if (stored > 0)
              outcome.events.push_back(MeterValuesRecorded{ctx.station_id, evse_id, ref.id, event.samples});
            if (ref.created) {
              switch (event.kind) {
                case TransactionEventKind::Started:
                  outcome.events.push_back(
                      TransactionStarted{ref.id, ctx.station_id, evse_id, event.connector_id.value_or(1),
                                         event.id_token ? std::optional(event.id_token->value) : std::nullopt,
                                         first, event.timestamp, event.charging_state});
                  break;
                case TransactionEventKind::Updated:
                  outcome.events.push_back(TransactionUpdated{ref.id, ctx.station_id, event.charging_state,
                                                              event.trigger_reason, event.timestamp});
                  break;
                case TransactionEventKind::Ended:
                  outcome.events.push_back(TransactionEnded{
                      ref.id, ctx.station_id, last, event.stopped_reason.value_or("Local"), event.timestamp});
                  break;
              }
            }
            return outcome;
          },
          [&](const MeterValuesRequest& values) -> Outcome {
            auto flags = base_flags(ctx);
            std::optional<TransactionRef> ref;
            if (values.transaction_id) {
              ref = repo.find_transaction(ctx.station_id, *values.transaction_id);
              if (!ref) flags.emplace_back(flag::kUnknownTransaction);
            }
            Outcome outcome{EmptyResponse{}, {}};
            std::size_t stored =
                store_samples(repo, ctx, values.evse_id, ref ? std::optional(ref->id) : std::nullopt,
                              ref ? ref->started_at : std::nullopt, ref ? ref->stopped_at : std::nullopt,
                              values.samples, flags, tolerance);
            if (stored > 0)
              outcome.events.push_back(MeterValuesRecorded{ctx.station_id, values.evse_id,
                                                           ref ? std::optional(ref->id) : std::nullopt,
                                                           values.samples});
            return outcome;
          },
          [&](const StationReport& report) -> Outcome {
            auto flags = base_flags(ctx);
            if (report.timestamp) flags = merge(flags, timestamp_flags(ctx, *report.timestamp, tolerance));
            repo.insert_report(ctx, report, flags);
            if (report.file_status)
              repo.update_file_transfer(ctx.station_id, *report.file_status,
                                        report.timestamp.value_or(ctx.received_at));
            if (report.reservation_ended)
              repo.end_reservation(ctx.station_id, report.reservation_ended->first,
                                   report.reservation_ended->second);
            EmptyResponse reply;
            // K17: the load manager gives the EV a schedule (a TxProfile) from its needs.
            if (report.kind == "NotifyEVChargingNeeds")
              reply.status = repo.load_managed(ctx.station_id) ? "Accepted" : "Rejected";
            return {reply,
                    {StationReported{ctx.station_id, report.kind, report.payload_json,
                                     report.timestamp.value_or(ctx.received_at), report.problems}}};
          },
          [&](const DataTransferRequest& transfer) -> Outcome {
            // Recorded so an operator can see what a vendor sends; no vendor extension is
            // implemented, which OCPP answers with UnknownVendorId.
            StationReport report{"DataTransfer", std::nullopt, transfer.data_json, {},
                                 std::nullopt,   {},           std::nullopt,       std::nullopt};
            repo.insert_report(ctx, report, base_flags(ctx));
            return {DataTransferResponse{"UnknownVendorId"}, {}};
          },
      },
      request);
}

}  // namespace csms::charging
