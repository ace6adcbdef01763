// A transaction still open but silent: no meter values and no transaction events for a long
// time while its station is connected (a station that lost track of it, or a lost
// StopTransaction). Silence while the station is disconnected is station_offline's business, so
// a reconnect restarts the clock of the station's transactions.
//
// Keyed at (EVSE, 0): a transaction belongs to an EVSE. Transactions begun before a restart are
// known again from their next meter value or event (only these carry the EVSE).

#include <map>
#include <memory>
#include <set>
#include <string>

#include "faults/rules/rule_support.hpp"
#include "faults/rules/rules.hpp"

namespace csms::faults::rules {
namespace {

class StuckTransaction final : public Rule {
 public:
  std::string_view name() const override { return "stuck_transaction"; }

  void on_event(const domain::Event& event, RuleContext& ctx) override {
    const auto& station_id = station_of(event);
    auto presence = presence_.apply(event);
    if (presence == Presence::Change::CameBack) {
      // Silence while disconnected does not count: the clock restarts.
      for (auto& [key, transaction] : transactions_)
        if (key.first == station_id) transaction.last_activity = ctx.now();
    }
    if (const auto* started = std::get_if<domain::TransactionStarted>(&event)) {
      active(station_id, started->transaction_id, started->evse_id, ctx);
    } else if (const auto* values = std::get_if<domain::MeterValuesRecorded>(&event)) {
      if (values->transaction_id) active(station_id, *values->transaction_id, values->evse_id, ctx);
    } else if (const auto* updated = std::get_if<domain::TransactionUpdated>(&event)) {
      active(station_id, updated->transaction_id, 0, ctx);
    } else if (const auto* ended = std::get_if<domain::TransactionEnded>(&event)) {
      auto found = transactions_.find({station_id, ended->transaction_id});
      if (found == transactions_.end()) return;
      ctx.clear(found->second.evse_id, 0, station_id, {{"transaction_id", ended->transaction_id}});
      transactions_.erase(found);
    }
  }

  void on_tick(RuleContext& ctx) override {
    for (auto& [key, transaction] : transactions_) {
      const auto& [station_id, transaction_id] = key;
      if (presence_.offline(station_id) || transaction.raised) continue;
      auto duration_s = ctx.number(station_id, "duration_s");
      if (seconds_between(transaction.last_activity, ctx.now()) <= duration_s) continue;
      raise_once(transaction.raised, ctx, station_id, transaction.evse_id, 0,
                 {{"transaction_id", transaction_id},
                  {"silent_s", whole_seconds_between(transaction.last_activity, ctx.now())},
                  {"duration_s", duration_s}});
    }
  }

  void forget_station(const std::string& station_id) override {
    erase_station(transactions_, station_id);
    presence_.forget_station(station_id);
  }

 private:
  struct Transaction {
    int evse_id = 0;
    domain::Timestamp last_activity;
    bool raised = false;
  };

  // evse_id 0: the event does not say (2.0.1 after the first event).
  void active(const std::string& station_id, std::int64_t transaction_id, int evse_id, RuleContext& ctx) {
    auto found = transactions_.find({station_id, transaction_id});
    if (found == transactions_.end()) {
      if (evse_id <= 0) return;
      found =
          transactions_.emplace(TransactionKey{station_id, transaction_id}, Transaction{evse_id, ctx.now()})
              .first;
    }
    found->second.last_activity = ctx.now();
    found->second.raised = false;
    ctx.clear(found->second.evse_id, 0, station_id, {{"transaction_id", transaction_id}});
  }

  std::map<TransactionKey, Transaction> transactions_;
  Presence presence_;
};

}  // namespace

std::unique_ptr<Rule> make_stuck_transaction() { return std::make_unique<StuckTransaction>(); }

}  // namespace csms::faults::rules
