#include "csms/app/offline_answers.hpp"

#include <type_traits>

namespace csms::app {

using namespace domain;

void OfflineAnswers::remember_token(const std::string& token, const Authorization& authorization) {
  std::lock_guard lock(mutex_);
  tokens_[token] = authorization;
}

void OfflineAnswers::remember_registration(const std::string& station_id, RegistrationStatus status) {
  std::lock_guard lock(mutex_);
  registrations_[station_id] = status;
}

std::optional<RegistrationStatus> OfflineAnswers::registration(const std::string& station_id) const {
  std::lock_guard lock(mutex_);
  auto found = registrations_.find(station_id);
  if (found == registrations_.end()) return std::nullopt;
  return found->second;
}

void OfflineAnswers::add_transaction_ids(const std::vector<std::int64_t>& ids) {
  std::lock_guard lock(mutex_);
  transaction_ids_.insert(transaction_ids_.end(), ids.begin(), ids.end());
}

std::size_t OfflineAnswers::transaction_ids() const {
  std::lock_guard lock(mutex_);
  return transaction_ids_.size();
}

// A token never authorized while we could look it up is Invalid: accepting strangers because
// our database is down would let anyone charge.
Authorization OfflineAnswers::authorization_of(const IdToken& token) const {
  auto found = tokens_.find(token.value);
  if (found == tokens_.end()) return Authorization{AuthorizationStatus::Invalid, std::nullopt, std::nullopt};
  return found->second;
}

bool OfflineAnswers::spooled(const Request& request) {
  return std::visit(
      [](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        return std::is_same_v<T, StatusRequest> || std::is_same_v<T, StartTransactionRequest> ||
               std::is_same_v<T, StopTransactionRequest> || std::is_same_v<T, MeterValuesRequest> ||
               std::is_same_v<T, TransactionEventRequest>;
      },
      request);
}

std::optional<Response> OfflineAnswers::answer(const std::string& station_id, Request& request, Timestamp now,
                                               int heartbeat_interval_s) {
  std::lock_guard lock(mutex_);
  return std::visit(
      [&](auto& r) -> std::optional<Response> {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, StatusRequest> || std::is_same_v<T, MeterValuesRequest>) {
          return EmptyResponse{};
        } else if constexpr (std::is_same_v<T, AuthorizeRequest>) {
          return AuthorizeResponse{authorization_of(r.id_token)};
        } else if constexpr (std::is_same_v<T, StartTransactionRequest>) {
          if (transaction_ids_.empty()) return std::nullopt;
          r.assigned_id = transaction_ids_.front();
          transaction_ids_.pop_front();
          return StartTransactionResponse{*r.assigned_id, authorization_of(r.id_token)};
        } else if constexpr (std::is_same_v<T, StopTransactionRequest>) {
          StopTransactionResponse response;
          if (r.id_token) response.authorization = authorization_of(*r.id_token);
          return response;
        } else if constexpr (std::is_same_v<T, TransactionEventRequest>) {
          TransactionEventResponse response;
          if (r.id_token) response.authorization = authorization_of(*r.id_token);
          return response;
        } else if constexpr (std::is_same_v<T, BootRequest>) {
          auto found = registrations_.find(station_id);
          if (found == registrations_.end()) return std::nullopt;
          return BootResponse{found->second, heartbeat_interval_s, now};
        } else {
          return std::nullopt;
        }
      },
      request);
}

}  // namespace csms::app
