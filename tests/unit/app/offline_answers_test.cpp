#include "csms/app/offline_answers.hpp"

#include <gtest/gtest.h>

namespace csms::app {
namespace {

using namespace domain;

TEST(OfflineAnswers, TokensAsLastAuthorized_StrangersInvalid) {
  OfflineAnswers offline;
  offline.remember_token("KNOWN",
                         Authorization{AuthorizationStatus::Accepted, std::nullopt, std::string("G")});
  Request known = AuthorizeRequest{IdToken{"KNOWN", "ISO14443"}};
  Request stranger = AuthorizeRequest{IdToken{"STRANGER", "ISO14443"}};
  auto a = offline.answer("CP", known, Timestamp{}, 300);
  ASSERT_TRUE(a);
  EXPECT_EQ(std::get<AuthorizeResponse>(*a).authorization.status, AuthorizationStatus::Accepted);
  EXPECT_EQ(std::get<AuthorizeResponse>(*a).authorization.group, "G");
  auto b = offline.answer("CP", stranger, Timestamp{}, 300);
  ASSERT_TRUE(b);
  EXPECT_EQ(std::get<AuthorizeResponse>(*b).authorization.status, AuthorizationStatus::Invalid);
  EXPECT_FALSE(OfflineAnswers::spooled(known)) << "Authorize is answered, not journaled";
}

TEST(OfflineAnswers, StartTransaction_TakesAReservedIdAndRecordsIt_NoneLeftIsNoAnswer) {
  OfflineAnswers offline;
  offline.add_transaction_ids({41, 42});
  Request first = StartTransactionRequest{1, 1, {"T", ""}, 0, Timestamp{}, std::nullopt, std::nullopt};
  Request second = first;
  Request third = first;
  EXPECT_EQ(std::get<StartTransactionResponse>(*offline.answer("CP", first, Timestamp{}, 300)).transaction_id,
            41);
  EXPECT_EQ(std::get<StartTransactionRequest>(first).assigned_id, 41) << "the spool keeps the id given";
  EXPECT_EQ(
      std::get<StartTransactionResponse>(*offline.answer("CP", second, Timestamp{}, 300)).transaction_id, 42);
  EXPECT_FALSE(offline.answer("CP", third, Timestamp{}, 300))
      << "no reserved id: the charger is asked to retry";
  EXPECT_TRUE(OfflineAnswers::spooled(first));
}

TEST(OfflineAnswers, Boot_IsAnsweredOnlyForAStationSeenBefore) {
  OfflineAnswers offline;
  Request boot = BootRequest{};
  EXPECT_FALSE(offline.answer("NEW", boot, Timestamp{}, 300));
  offline.remember_registration("OLD", RegistrationStatus::Accepted);
  auto answer = offline.answer("OLD", boot, Timestamp{}, 120);
  ASSERT_TRUE(answer);
  EXPECT_EQ(std::get<BootResponse>(*answer).status, RegistrationStatus::Accepted);
  EXPECT_EQ(std::get<BootResponse>(*answer).interval_s, 120);
  EXPECT_FALSE(OfflineAnswers::spooled(boot));
}

TEST(OfflineAnswers, TransactionMessagesAndStatus_AreSpooledAndAnswered) {
  OfflineAnswers offline;
  Request status = StatusRequest{};
  Request values = MeterValuesRequest{};
  Request event = TransactionEventRequest{};
  Request stop = StopTransactionRequest{};
  for (auto* request : {&status, &values, &event, &stop}) {
    EXPECT_TRUE(OfflineAnswers::spooled(*request));
    EXPECT_TRUE(offline.answer("CP", *request, Timestamp{}, 300));
  }
  Request heartbeat = HeartbeatRequest{};
  EXPECT_FALSE(OfflineAnswers::spooled(heartbeat));
}

}  // namespace
}  // namespace csms::app
