#pragma once

#include "csms/domain/ports.hpp"
#include "pg.hpp"

namespace csms::store {

class PgChargingRepository final : public domain::ChargingRepository {
 public:
  explicit PgChargingRepository(pqxx::transaction_base& txn) : txn_(txn) {}

  std::optional<domain::StationRecord> find_station(const std::string& id) override;
  domain::StationRecord connect_station(const std::string& id, const std::string& protocol,
                                        domain::Timestamp at,
                                        domain::RegistrationStatus for_unknown) override;
  void disconnect_station(const std::string& id, domain::Timestamp at) override;
  std::vector<std::string> touch_stations(
      const std::vector<std::pair<std::string, domain::Timestamp>>& seen) override;
  void record_boot(const domain::MessageContext& ctx, const domain::BootRequest& boot,
                   domain::RegistrationStatus status) override;
  bool record_status(const domain::MessageContext& ctx, const domain::StatusRequest& status,
                     const std::vector<std::string>& flags) override;
  std::optional<domain::IdTokenRecord> find_id_token(const std::string& token) override;
  std::size_t open_transactions(const std::string& token, std::optional<std::int64_t> except_transaction,
                                std::size_t cap) override;
  domain::TransactionRef start_transaction(const domain::MessageContext& ctx,
                                           const domain::StartTransactionRequest& start,
                                           const domain::Authorization& authorization,
                                           const std::vector<std::string>& flags) override;
  void set_start_authorization(std::int64_t id, domain::AuthorizationStatus status) override;
  void consume_reservation(const std::string& station_id, int reservation_id,
                           std::int64_t transaction_id) override;
  void end_reservation(const std::string& station_id, int reservation_id, const std::string& state) override;
  bool load_managed(const std::string& station_id) override;
  void update_file_transfer(const std::string& station_id, const domain::FileStatus& status,
                            domain::Timestamp at) override;
  std::vector<StaleClose> close_stale_transactions(const std::string& station_id, int evse_id,
                                                   domain::Timestamp received_at,
                                                   domain::Timestamp status_at) override;
  std::optional<domain::TransactionRef> find_transaction(const std::string& station_id,
                                                         const std::string& ocpp_transaction_id) override;
  bool stop_transaction(const domain::MessageContext& ctx, std::int64_t id,
                        const domain::StopTransactionRequest& stop,
                        const std::vector<std::string>& flags) override;
  domain::TransactionRef record_orphan_stop(const domain::MessageContext& ctx,
                                            const domain::StopTransactionRequest& stop,
                                            const std::vector<std::string>& flags) override;
  domain::TransactionRef record_transaction_event(const domain::MessageContext& ctx,
                                                  const domain::TransactionEventRequest& event,
                                                  const std::optional<domain::Authorization>& authorization,
                                                  std::optional<double> register_first_wh,
                                                  std::optional<double> register_last_wh,
                                                  const std::vector<std::string>& flags) override;
  std::size_t insert_samples(const domain::MessageContext& ctx, int evse_id,
                             std::optional<std::int64_t> transaction_id,
                             const std::vector<domain::MeterSample>& samples,
                             const std::vector<std::string>& flags) override;
  void insert_report(const domain::MessageContext& ctx, const domain::StationReport& report,
                     const std::vector<std::string>& flags) override;
  std::map<TransactionKey, domain::TransactionRef> find_transactions(
      const std::vector<TransactionKey>& keys) override;
  std::vector<std::size_t> insert_sample_rows(const std::vector<SampleRows>& items) override;
  std::vector<bool> record_transaction_updates(const std::vector<TransactionUpdate>& updates) override;

 private:
  pqxx::transaction_base& txn_;
};

class PgAdminRepository final : public domain::AdminRepository {
 public:
  explicit PgAdminRepository(pqxx::transaction_base& txn) : txn_(txn) {}

  std::string list_stations(const domain::StationFilter& filter, const domain::Page& page) override;
  std::optional<std::string> get_station(const std::string& id) override;
  domain::WriteResult create_station(const std::string& id, const std::string& fields_json) override;
  domain::WriteResult patch_station(const std::string& id, const std::string& fields_json) override;
  domain::WriteResult delete_station(const std::string& id) override;
  std::optional<domain::StationCredentials> station_credentials(
      const std::string& id, const std::optional<std::string>& serial) override;
  void record_station_certificate(const std::string& station_id, const domain::CertificateRecord& certificate,
                                  std::optional<int> connected_profile) override;
  std::optional<std::string> list_station_certificates(const std::string& station_id) override;
  domain::WriteResult set_pending_password(const std::string& station_id,
                                           const std::optional<std::string>& password_hash) override;
  domain::WriteResult set_pending_security_profile(const std::string& station_id,
                                                   std::optional<int> profile) override;
  void promote_pending_password(const std::string& station_id, const std::string& password_hash) override;
  void promote_pending_security_profile(const std::string& station_id, int profile) override;
  domain::WriteResult revoke_station_certificate(const std::string& station_id, const std::string& serial,
                                                 const std::string& reason) override;
  bool station_exists(const std::string& id) override;
  std::string list_station_reports(const std::string& station_id, const std::optional<std::string>& kind,
                                   const domain::Page& page) override;
  std::string list_status_history(const std::string& station_id, std::optional<domain::Timestamp> from,
                                  std::optional<domain::Timestamp> to, const domain::Page& page) override;
  std::string list_id_tokens(const std::optional<std::string>& customer, const domain::Page& page) override;
  std::optional<std::string> get_id_token(const std::string& token) override;
  domain::WriteResult create_id_token(const std::string& token, const std::string& fields_json) override;
  domain::WriteResult patch_id_token(const std::string& token, const std::string& fields_json) override;
  domain::WriteResult delete_id_token(const std::string& token) override;
  std::string list_transactions(const domain::TransactionFilter& filter, const domain::Page& page) override;
  void append_audit(const domain::AuditRecord& record) override;
  std::optional<int> create_reservation(const std::string& fields_json) override;
  std::optional<domain::LocalListState> local_list_state(const std::string& station_id) override;
  std::string list_variables(const std::string& station_id, const std::optional<std::string>& component,
                             const std::optional<std::string>& variable, const domain::Page& page) override;
  void record_variables(const std::string& station_id, const domain::VariableReport& report) override;
  std::string local_list_entries(const std::optional<std::string>& group, int limit) override;
  void store_local_list(const std::string& station_id, const std::optional<std::string>& group, int version,
                        const std::string& entries_json) override;
  void set_reservation_state(int id, const std::string& state,
                             const std::optional<std::string>& station_status) override;
  std::optional<std::string> get_reservation(int id) override;
  std::string list_reservations(const domain::ReservationFilter& filter, const domain::Page& page) override;
  std::string list_audit(const domain::AuditFilter& filter, const domain::Page& page) override;
  std::optional<std::string> get_transaction(std::int64_t id) override;
  std::optional<std::string> list_meter_samples(std::int64_t transaction_id, const domain::Page& page,
                                                std::optional<domain::Timestamp> from) override;
  std::optional<std::string> ocpp_transaction_id(const std::string& station_id,
                                                 const std::string& id_or_ocpp_id) override;
  bool ping() override;
  std::vector<std::int64_t> reserve_transaction_ids(int n) override;

 private:
  pqxx::transaction_base& txn_;
};

class PgFaultRepository final : public domain::FaultRepository {
 public:
  explicit PgFaultRepository(pqxx::transaction_base& txn) : txn_(txn) {}

  domain::AlertChange open_alert(const std::string& rule, const std::string& station_id, int evse_id,
                                 int connector_id, const std::string& severity, domain::Timestamp at,
                                 const std::string& details_json) override;
  std::optional<domain::AlertChange> clear_alert(const std::string& rule, const std::string& station_id,
                                                 int evse_id, int connector_id, domain::Timestamp at,
                                                 const std::string& details_json) override;
  std::pair<domain::WriteResult, std::optional<domain::AlertChange>> acknowledge_alert(
      std::int64_t id, const std::string& by, domain::Timestamp at) override;
  std::pair<domain::WriteResult, std::optional<domain::AlertChange>> resolve_alert(
      std::int64_t id, const std::string& by, const std::string& note, domain::Timestamp at) override;
  void record_alert_action(std::int64_t id, const std::string& action_json) override;
  std::string list_alerts(const domain::AlertFilter& filter, const domain::Page& page) override;
  std::optional<std::string> get_alert(std::int64_t id) override;
  std::string active_alerts() override;
  std::string active_alerts_of(const std::vector<std::string>& station_ids) override;
  std::string rule_settings() override;
  void save_rule_settings(const std::string& name, const std::string& settings_json) override;
  std::vector<domain::StationLiveness> station_liveness() override;
  bool has_open_transaction_on(const std::string& station_id, int evse_id) override;
  std::vector<domain::CertificateExpiry> certificate_expiries() override;
  void enqueue_webhook(const std::string& url, const std::string& body) override;
  std::vector<Delivery> due_webhooks(domain::Timestamp now, int limit) override;
  void webhook_delivered(std::int64_t id, domain::Timestamp at) override;
  void webhook_failed(std::int64_t id, const std::string& error, domain::Timestamp next_attempt) override;

 private:
  pqxx::transaction_base& txn_;
};

class PgBillingRepository final : public domain::BillingRepository {
 public:
  explicit PgBillingRepository(pqxx::transaction_base& txn) : txn_(txn) {}
  std::string list_tariffs(const domain::Page& page) override;
  std::optional<std::string> get_tariff(const std::string& id) override;
  domain::WriteResult save_tariff(const std::string& id, const std::string& document_json, bool is_default,
                                  bool creating) override;
  domain::WriteResult delete_tariff(const std::string& id) override;
  std::string list_plans(const domain::Page& page) override;
  std::optional<std::string> get_plan(const std::string& id) override;
  domain::WriteResult save_plan(const std::string& id, const std::string& document_json,
                                bool creating) override;
  domain::WriteResult delete_plan(const std::string& id) override;
  std::string list_customers(const domain::Page& page) override;
  std::optional<std::string> get_customer(const std::string& id) override;
  domain::WriteResult create_customer(const std::string& id, const std::string& fields_json) override;
  domain::WriteResult patch_customer(const std::string& id, const std::string& fields_json) override;
  domain::WriteResult delete_customer(const std::string& id) override;
  std::optional<domain::PricingData> pricing_data(std::int64_t transaction_id) override;
  void store_pricing(std::int64_t transaction_id, const std::string& status, const std::string& detail,
                     const std::optional<std::string>& cost_json) override;
  std::vector<std::int64_t> claim_unpriced(std::size_t limit) override;
  std::vector<domain::HistoricalSession> historical_sessions(domain::Timestamp from, domain::Timestamp to,
                                                             const std::vector<std::string>& stations,
                                                             std::size_t limit) override;
  std::optional<std::string> find_invoice(const std::string& customer_id, const std::string& month) override;
  std::optional<domain::InvoiceBasis> invoice_basis(const std::string& customer_id,
                                                    const std::string& month) override;
  std::string issue_invoice(const std::string& customer_id, const std::string& month,
                            const std::string& currency, const std::string& document_json, int year) override;
  std::optional<std::string> get_invoice(std::int64_t id) override;
  std::string list_invoices(const std::optional<std::string>& customer, const domain::Page& page) override;
  std::string cdrs(domain::Timestamp from, domain::Timestamp to, const domain::Page& page) override;

 private:
  pqxx::transaction_base& txn_;
};

class PgAnalyticsRepository final : public domain::AnalyticsRepository {
 public:
  explicit PgAnalyticsRepository(pqxx::transaction_base& txn) : txn_(txn) {}
  std::vector<domain::RollupInput> rollup_inputs(const std::vector<domain::RollupWindow>& windows) override;
  void replace_rollups(const std::vector<domain::RollupInput>& windows,
                       const std::vector<domain::HourRollup>& rows) override;
  void mark_dirty(const std::vector<domain::RollupWindow>& windows) override;
  std::vector<domain::RollupWindow> take_dirty(int limit) override;
  std::vector<std::string> stations_between(domain::Timestamp from, domain::Timestamp to) override;
  domain::ReportTable report(const std::string& name, const domain::AnalyticsQuery& query) override;
  std::string overview(domain::Timestamp from, domain::Timestamp to, domain::Timestamp before_from,
                       domain::Timestamp before_to) override;
  std::vector<domain::SessionFact> session_facts_after(std::int64_t seq, std::size_t limit) override;
  std::uint64_t session_facts_horizon() override;
  std::pair<std::uint64_t, std::vector<domain::SessionFact>> session_facts_since(
      std::uint64_t horizon) override;
  std::vector<domain::SessionFact> open_sessions(const domain::AnalyticsQuery& query) override;
  std::vector<domain::StationIdle> station_idle(const domain::AnalyticsQuery& query) override;
  domain::ReportScope report_scope(const std::vector<std::string>& stations) override;
  std::string list_maintenance_windows(const domain::MaintenanceWindowFilter& filter,
                                       const domain::Page& page) override;
  std::optional<std::string> get_maintenance_window(std::int64_t id) override;
  std::optional<std::string> create_maintenance_window(const std::string& fields_json) override;
  std::optional<std::string> delete_maintenance_window(std::int64_t id) override;

 private:
  pqxx::transaction_base& txn_;
};

class PgClusterRepository final : public domain::ClusterRepository {
 public:
  explicit PgClusterRepository(pqxx::transaction_base& txn) : txn_(txn) {}

  std::optional<domain::StationHolder> claim_station(const std::string& station_id,
                                                     const std::string& node_id,
                                                     std::int64_t connection) override;
  bool release_station(const std::string& station_id, const std::string& node_id,
                       std::int64_t connection) override;
  std::optional<std::string> station_holder(const std::string& station_id) override;
  void post(const std::string& to_node, const std::string& body_json) override;
  void post_to_others(const std::string& from_node, const std::string& body_json) override;

 private:
  pqxx::transaction_base& txn_;
};

class PgOperationsRepository final : public domain::OperationsRepository {
 public:
  explicit PgOperationsRepository(pqxx::transaction_base& txn) : txn_(txn) {}
  std::optional<std::string> create_firmware(const std::string& fields_json) override;
  std::optional<std::string> get_firmware(std::int64_t id) override;
  std::string list_firmware(const domain::Page& page) override;
  std::optional<std::optional<std::string>> firmware_expected_sha256(std::int64_t id) override;
  void set_firmware_image(std::int64_t id, const std::string& sha256, std::int64_t size) override;
  domain::WriteResult delete_firmware(std::int64_t id) override;
  bool firmware_sent(std::int64_t id) override;
  std::int64_t create_file_transfer(const domain::NewFileTransfer& transfer) override;
  void file_transfer_sent(std::int64_t id, const std::string& state,
                          const std::optional<std::string>& status) override;
  std::optional<domain::FileTransferAccess> find_file_transfer(const std::string& token_sha256) override;
  void count_download(std::int64_t id) override;
  void record_upload(std::int64_t id, const std::string& file_name, std::int64_t size,
                     const std::string& sha256) override;
  std::optional<std::string> get_file_transfer(std::int64_t id) override;
  std::string list_file_transfers(const std::optional<std::string>& station,
                                  const std::optional<std::string>& kind, const domain::Page& page) override;
  std::vector<std::string> variable_values(const std::string& station_id,
                                           const std::string& variable) override;
  domain::JobCreated create_job(const domain::NewJob& job) override;
  std::optional<std::string> get_job(std::int64_t id) override;
  std::string list_jobs(const std::optional<std::string>& state, const domain::Page& page) override;
  std::optional<std::string> list_job_stations(std::int64_t id, const std::optional<std::string>& state,
                                               const domain::Page& page) override;
  domain::WriteResult cancel_job(std::int64_t id) override;
  std::vector<domain::JobWork> advance_jobs(int limit) override;
  void job_station_result(std::int64_t job_id, const std::string& station_id, const std::string& state,
                          const std::optional<std::string>& status, const std::optional<std::string>& detail,
                          std::optional<std::int64_t> file_transfer_id) override;

 private:
  pqxx::transaction_base& txn_;
};

class PgSmartChargingRepository final : public domain::SmartChargingRepository {
 public:
  explicit PgSmartChargingRepository(pqxx::transaction_base& txn) : txn_(txn) {}
  std::string list_sites(const domain::Page& page) override;
  std::optional<std::string> get_site(const std::string& id) override;
  domain::WriteResult create_site(const std::string& id, const std::string& fields_json) override;
  domain::WriteResult patch_site(const std::string& id, const std::string& fields_json) override;
  domain::WriteResult delete_site(const std::string& id) override;
  bool site_exists(const std::string& id) override;
  std::vector<std::string> site_stations(const std::vector<std::string>& sites) override;
  domain::LoadSnapshot load_snapshot(const std::optional<std::string>& site, bool claim) override;
  std::vector<bool> load_sent(const std::vector<domain::LoadSend>& sends) override;
  void load_answered(std::int64_t transaction_id, double sent_a, LoadOutcome outcome,
                     const std::string& status) override;
  void fallback_cleared(const std::string& station_id) override;
  bool lock_station_load_managed(const std::string& station_id) override;
  void fallback_sent(const std::vector<domain::FallbackRow>& sent) override;
  void fallback_answered(const std::string& station_id, bool accepted, const std::string& status) override;
  void load_reconnected(const std::string& station_id) override;
  std::optional<std::string> station_protocol(const std::string& station_id) override;
  std::vector<domain::StoredProfile> held_profiles(const std::string& station_id) override;
  std::optional<std::string> running_transaction(const std::string& station_id, int evse_id,
                                                 std::int64_t transaction_id) override;
  std::int64_t create_profile(const std::string& station_id, const std::string& profile_json,
                              const std::string& created_by) override;
  void set_profile_state(std::int64_t id, const std::string& state,
                         const std::optional<std::string>& status) override;
  std::optional<domain::StoredProfile> find_profile(std::int64_t id) override;
  std::optional<std::string> get_profile(std::int64_t id) override;
  std::string list_profiles(const std::optional<std::string>& station,
                            const std::optional<std::string>& state, const domain::Page& page) override;

 private:
  pqxx::transaction_base& txn_;
};

class PgRepositories final : public domain::Repositories {
 public:
  explicit PgRepositories(pqxx::transaction_base& txn)
      : charging_(txn),
        admin_(txn),
        faults_(txn),
        billing_(txn),
        analytics_(txn),
        cluster_(txn),
        operations_(txn),
        smart_charging_(txn) {}
  domain::ChargingRepository& charging() override { return charging_; }
  domain::AdminRepository& admin() override { return admin_; }
  domain::FaultRepository& faults() override { return faults_; }
  domain::BillingRepository& billing() override { return billing_; }
  domain::AnalyticsRepository& analytics() override { return analytics_; }
  domain::ClusterRepository& cluster() override { return cluster_; }
  domain::OperationsRepository& operations() override { return operations_; }
  domain::SmartChargingRepository& smart_charging() override { return smart_charging_; }

 private:
  PgChargingRepository charging_;
  PgAdminRepository admin_;
  PgFaultRepository faults_;
  PgBillingRepository billing_;
  PgAnalyticsRepository analytics_;
  PgClusterRepository cluster_;
  PgOperationsRepository operations_;
  PgSmartChargingRepository smart_charging_;
};

}  // namespace csms::store
