#include "csms/faults/fault_engine.hpp"

#include <algorithm>

#include "rule.hpp"

namespace csms::faults {

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Critical:
      return "critical";
  }
  return "warning";
}

std::optional<Severity> severity_from(std::string_view text) {
  if (text == "info") return Severity::Info;
  if (text == "warning") return Severity::Warning;
  if (text == "critical") return Severity::Critical;
  return std::nullopt;
}

double RuleContext::number(const std::string& station_id, const char* name) const {
  const auto* value = param(station_id, name);
  if (!value || !value->is_number()) return 0;
  return value->get<double>();
}

const StationProfile* RuleContext::profile(const std::string& station_id) const {
  auto found = engine_.profiles_.find(station_id);
  return found == engine_.profiles_.end() ? nullptr : &found->second;
}

void RuleContext::open(int evse_id, int connector_id, const std::string& station_id, nlohmann::json details,
                       std::optional<Severity> severity) {
  Decision decision;
  decision.kind = Decision::Kind::Open;
  decision.key = AlertKey{settings_.name, station_id, evse_id, connector_id};
  decision.severity = severity.value_or(settings_.severity);
  decision.at = now_;
  decision.details = std::move(details);
  engine_.open_.insert(decision.key);
  out_.push_back(std::move(decision));
}

void RuleContext::clear(int evse_id, int connector_id, const std::string& station_id,
                        nlohmann::json details) {
  AlertKey key{settings_.name, station_id, evse_id, connector_id};
  if (engine_.open_.erase(key) == 0) return;
  Decision decision;
  decision.kind = Decision::Kind::Clear;
  decision.key = std::move(key);
  decision.severity = settings_.severity;
  decision.at = now_;
  decision.details = std::move(details);
  out_.push_back(std::move(decision));
}

FaultEngine::FaultEngine(std::vector<RuleSettings> settings)
    : settings_(std::move(settings)), rules_(make_rules()) {
  // Every built-in rule has settings, even when the caller passed only some.
  for (const auto& defaults : default_rules()) {
    auto known = std::any_of(settings_.begin(), settings_.end(),
                             [&](const auto& s) { return s.name == defaults.name; });
    if (!known) settings_.push_back(defaults);
  }
}

FaultEngine::~FaultEngine() = default;

namespace {
const RuleSettings* settings_of(const std::vector<RuleSettings>& all, std::string_view name) {
  for (const auto& s : all)
    if (s.name == name) return &s;
  return nullptr;
}
}  // namespace

std::vector<Decision> FaultEngine::on_event(const domain::Event& event, domain::Timestamp now) {
  std::vector<Decision> out;
  for (auto& rule : rules_) {
    const auto* settings = settings_of(settings_, rule->name());
    if (settings == nullptr || !settings->enabled) continue;
    RuleContext ctx(*this, *settings, now, out);
    rule->on_event(event, ctx);
  }
  return out;
}

std::vector<Decision> FaultEngine::on_tick(domain::Timestamp now) {
  std::vector<Decision> out;
  for (auto& rule : rules_) {
    const auto* settings = settings_of(settings_, rule->name());
    if (settings == nullptr || !settings->enabled) continue;
    RuleContext ctx(*this, *settings, now, out);
    rule->on_tick(ctx);
  }
  return out;
}

std::vector<Decision> FaultEngine::on_database(bool available, const std::string& detail,
                                               domain::Timestamp now) {
  std::vector<Decision> out;
  const auto* settings = settings_of(settings_, kDatabaseUnavailable);
  if (settings == nullptr) return out;
  RuleContext ctx(*this, *settings, now, out);
  AlertKey key{std::string(kDatabaseUnavailable), "", 0, 0};
  if (!available && settings->enabled && !is_open(key)) {
    ctx.open(0, 0, "", {{"error", detail}});
    down_since_ = now;
  } else if (available) {
    // Cleared even when the rule was disabled meanwhile: nothing stays open for ever.
    auto down = std::chrono::duration_cast<std::chrono::seconds>(now - down_since_.value_or(now));
    ctx.clear(0, 0, "", {{"unavailable_s", down.count()}});
    down_since_.reset();
  }
  return out;
}

std::vector<Decision> FaultEngine::on_certificates(const std::vector<domain::CertificateExpiry>& certificates,
                                                   domain::Timestamp now) {
  std::vector<Decision> out;
  const auto* settings = settings_of(settings_, kCertificateExpiring);
  if (settings == nullptr) return out;
  RuleContext ctx(*this, *settings, now, out);
  std::set<std::string> seen;
  for (const auto& cert : certificates) {
    seen.insert(cert.station_id);
    const double days = ctx.number(cert.station_id, "days");
    const auto left = std::chrono::duration_cast<std::chrono::hours>(cert.not_after - now);
    const nlohmann::json details = {{"serial", cert.serial},
                                    {"not_after", domain::format_timestamp(cert.not_after)},
                                    {"days_left", left.count() / 24}};
    const AlertKey key{std::string(kCertificateExpiring), cert.station_id, 0, 0};
    if (settings->enabled && left < std::chrono::hours(static_cast<long long>(days * 24))) {
      // Once per certificate, and once more (critical) when it has expired: not every check.
      const bool expired = left.count() <= 0;
      if (!is_open(key) || (expired && !certificates_expired_.count(cert.station_id))) {
        ctx.open(0, 0, cert.station_id, details, expired ? std::optional(Severity::Critical) : std::nullopt);
        if (expired) certificates_expired_.insert(cert.station_id);
      }
    } else {
      ctx.clear(0, 0, cert.station_id, details);
      certificates_expired_.erase(cert.station_id);
    }
  }
  // A station that no longer uses a certificate (or is not listed) has nothing expiring.
  std::vector<AlertKey> gone;
  for (const auto& key : open_)
    if (key.rule == kCertificateExpiring && !seen.count(key.station_id)) gone.push_back(key);
  for (const auto& key : gone) {
    ctx.clear(0, 0, key.station_id);
    certificates_expired_.erase(key.station_id);
  }
  return out;
}

bool FaultEngine::configure(const RuleSettings& settings) {
  for (auto& s : settings_) {
    if (s.name == settings.name) {
      s = settings;
      return true;
    }
  }
  return false;
}

void FaultEngine::set_profile(const std::string& station_id, StationProfile profile) {
  profiles_[station_id] = profile;
}

void FaultEngine::restore_open(const AlertKey& key) { open_.insert(key); }

void FaultEngine::restore_station(const std::string& station_id, bool online, domain::Timestamp last_seen) {
  for (auto& rule : rules_) rule->restore_station(station_id, online, last_seen);
}

void FaultEngine::release_station(const std::string& station_id) {
  std::erase_if(open_, [&](const AlertKey& key) { return key.station_id == station_id; });
  // Disabled rules too: their state would come back to life when re-enabled.
  for (auto& rule : rules_) rule->forget_station(station_id);
}

}  // namespace csms::faults
