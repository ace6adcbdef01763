#include "loadgen/options.hpp"

#include <charconv>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>

namespace csms::loadgen {

namespace {

[[noreturn]] void bad(const std::string& option, const std::string& why) {
  throw std::invalid_argument("--" + option + ": " + why);
}

double to_double(const std::string& option, const std::string& value, double min, double max) {
  double out = 0;
  const auto* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec != std::errc{} || ptr != end) bad(option, "not a number: '" + value + "'");
  if (out < min || out > max) bad(option, "out of range: " + value);
  return out;
}

std::int64_t to_int(const std::string& option, const std::string& value, std::int64_t min, std::int64_t max) {
  std::int64_t out = 0;
  const auto* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, out);
  if (ec != std::errc{} || ptr != end) bad(option, "not an integer: '" + value + "'");
  if (out < min || out > max) bad(option, "out of range: " + value);
  return out;
}

std::uint32_t parse_ipv4(const std::string& text) {
  std::uint32_t addr = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  for (int part = 0; part < 4; ++part) {
    unsigned octet = 0;
    auto [ptr, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc{} || octet > 255) throw std::invalid_argument("bad IPv4 address '" + text + "'");
    addr = (addr << 8) | octet;
    p = ptr;
    if (part < 3) {
      if (p == end || *p != '.') throw std::invalid_argument("bad IPv4 address '" + text + "'");
      ++p;
    }
  }
  if (p != end) throw std::invalid_argument("bad IPv4 address '" + text + "'");
  return addr;
}

void parse_url(Options& o, const std::string& url) {
  const std::string scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) bad("url", "only ws:// URLs are supported: " + url);
  auto rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  o.path = slash == std::string::npos ? "" : rest.substr(slash);
  while (!o.path.empty() && o.path.back() == '/') o.path.pop_back();
  auto colon = authority.rfind(':');
  if (colon == std::string::npos) {
    o.host = authority;
    o.port = 80;
  } else {
    o.host = authority.substr(0, colon);
    o.port = static_cast<std::uint16_t>(to_int("url", authority.substr(colon + 1), 1, 65535));
  }
  if (o.host.empty()) bad("url", "no host in " + url);
}

}  // namespace

std::vector<std::uint32_t> parse_source_addrs(const std::string& text) {
  std::vector<std::uint32_t> out;
  if (text == "none" || text.empty()) return out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto dash = item.find('-');
    if (dash == std::string::npos) {
      out.push_back(parse_ipv4(item));
    } else {
      auto first = parse_ipv4(item.substr(0, dash));
      auto last = parse_ipv4(item.substr(dash + 1));
      if (last < first || last - first > 65535)
        throw std::invalid_argument("bad address range '" + item + "'");
      for (auto a = first; a <= last; ++a) out.push_back(a);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string format_ipv4(std::uint32_t addr) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", (addr >> 24) & 255u, (addr >> 16) & 255u, (addr >> 8) & 255u,
                addr & 255u);
  return buf;
}

std::string charger_id(const std::string& prefix, int index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%06d", index);
  return prefix + "-" + buf;
}

Protocol protocol_of(const Options& options, int index) {
  switch (options.protocol) {
    case Protocol::V16:
      return Protocol::V16;
    case Protocol::V201:
      return Protocol::V201;
    case Protocol::Mix:
      return index % 2 == 0 ? Protocol::V16 : Protocol::V201;
  }
  return Protocol::V16;
}

std::string usage() {
  return R"(csms-loadgen: simulates many OCPP 1.6 / 2.0.1 chargers against a CSMS.

  --url URL                 ws://127.0.0.1:9000/ocpp (chargers connect to URL/<identity>)
  --chargers N              number of chargers [100]
  --protocol P              1.6 | 2.0.1 | mix (alternating) [mix]
  --ramp R                  connections started per second; 0 = all at once [1000]
  --duration S              the run ends after S seconds [60]
  --threads T               I/O threads, one io_context each [1]
  --source-addrs LIST       source addresses, round-robin: A-B ranges, commas, or none
                            [127.0.0.1-127.0.0.16 when the target is loopback]
  --id-prefix P             identities are P-000000, P-000001, ... [lg]
  --connectors C            connectors (1.6) / EVSEs (2.0.1) per charger [1]
  --heartbeat-interval S    seconds between heartbeats [the server's BootNotification interval]
  --sessions N              charging sessions per charger; 0 = idle chargers [0]
  --meters-per-session M    MeterValues per session [10]
  --stagger                 each charger's first session ends after a random share of M, so
                            that sessions do not start and stop in step across the fleet
  --meter-interval S        seconds between MeterValues; 0 = next one when answered [0]
  --samples K               sampled values per MeterValues (1..12) [4]
  --v201-meter MODE         2.0.1 meter readings as: event (TransactionEvent Updated) | metervalues [event]
  --id-tag TAG              the id token every charger authorizes with [LOADGEN01]
  --think-time MS           pause between session steps [0]
  --rate R                  global limit on calls/s (paced); 0 = unlimited [0]
  --call-timeout S          seconds a call waits for its reply [30]
  --reconnect               reconnect dropped chargers with backoff and boot again
  --reconnect-min S / --reconnect-max S   backoff bounds [1 / 30]
  --record FILE             durability mode: one line per acknowledged transaction message
  --warmup S                calls in the first S seconds are not counted (latency, rates) [0]
  --progress S              a progress line on stderr every S seconds [0 = none]
  --seed N                  random seed [1]
  --json                    print the report as JSON
)";
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  bool source_addrs_given = false;
  using Setter = std::function<void(const std::string&, const std::string&)>;
  const std::map<std::string, Setter> with_value = {
      {"url", [&](auto&, auto& v) { parse_url(o, v); }},
      {"chargers", [&](auto& k, auto& v) { o.chargers = static_cast<int>(to_int(k, v, 1, 10'000'000)); }},
      {"protocol",
       [&](auto& k, auto& v) {
         if (v == "1.6" || v == "ocpp1.6") {
           o.protocol = Protocol::V16;
         } else if (v == "2.0.1" || v == "ocpp2.0.1") {
           o.protocol = Protocol::V201;
         } else if (v == "mix") {
           o.protocol = Protocol::Mix;
         } else {
           bad(k, "expected 1.6, 2.0.1 or mix, got '" + v + "'");
         }
       }},
      {"ramp", [&](auto& k, auto& v) { o.ramp = to_double(k, v, 0, 1e9); }},
      {"duration", [&](auto& k, auto& v) { o.duration = to_double(k, v, 0.001, 1e7); }},
      {"threads", [&](auto& k, auto& v) { o.threads = static_cast<int>(to_int(k, v, 1, 256)); }},
      {"source-addrs",
       [&](auto& k, auto& v) {
         try {
           o.source_addrs = parse_source_addrs(v);
         } catch (const std::invalid_argument& e) {
           bad(k, e.what());
         }
         source_addrs_given = true;
       }},
      {"id-prefix",
       [&](auto& k, auto& v) {
         if (v.empty() || v.size() > 40 || v.find_first_of(":/ %") != std::string::npos)
           bad(k, "1 to 40 characters without ':', '/', '%' or spaces");
         o.id_prefix = v;
       }},
      {"seed", [&](auto& k, auto& v) { o.seed = static_cast<std::uint64_t>(to_int(k, v, 0, INT64_MAX)); }},
      {"heartbeat-interval", [&](auto& k, auto& v) { o.heartbeat_interval = to_double(k, v, 0.001, 1e7); }},
      {"connectors", [&](auto& k, auto& v) { o.connectors = static_cast<int>(to_int(k, v, 1, 64)); }},
      {"sessions", [&](auto& k, auto& v) { o.sessions = to_int(k, v, 0, INT64_MAX); }},
      {"meters-per-session",
       [&](auto& k, auto& v) { o.meters_per_session = static_cast<int>(to_int(k, v, 0, 100'000'000)); }},
      {"meter-interval", [&](auto& k, auto& v) { o.meter_interval = to_double(k, v, 0, 1e7); }},
      {"samples", [&](auto& k, auto& v) { o.samples = static_cast<int>(to_int(k, v, 1, 12)); }},
      {"v201-meter",
       [&](auto& k, auto& v) {
         if (v == "event") {
           o.v201_meter = V201Meter::TransactionEvent;
         } else if (v == "metervalues") {
           o.v201_meter = V201Meter::MeterValues;
         } else {
           bad(k, "expected event or metervalues, got '" + v + "'");
         }
       }},
      {"think-time", [&](auto& k, auto& v) { o.think_time_ms = to_double(k, v, 0, 1e9); }},
      {"rate", [&](auto& k, auto& v) { o.rate = to_double(k, v, 0, 1e9); }},
      {"call-timeout", [&](auto& k, auto& v) { o.call_timeout = to_double(k, v, 0.001, 1e6); }},
      {"reconnect-min", [&](auto& k, auto& v) { o.reconnect_min = to_double(k, v, 0, 1e6); }},
      {"reconnect-max", [&](auto& k, auto& v) { o.reconnect_max = to_double(k, v, 0, 1e6); }},
      {"record", [&](auto&, auto& v) { o.record_path = v; }},
      {"progress", [&](auto& k, auto& v) { o.progress = to_double(k, v, 0, 1e6); }},
      {"warmup", [&](auto& k, auto& v) { o.warmup = to_double(k, v, 0, 1e7); }},
      {"id-tag",
       [&](auto& k, auto& v) {
         if (v.empty() || v.size() > 20) bad(k, "1 to 20 characters");
         o.id_tag = v;
       }},
  };
  const std::map<std::string, std::function<void()>> flags = {
      {"json", [&] { o.json = true; }},
      {"reconnect", [&] { o.reconnect = true; }},
      {"stagger", [&] { o.stagger = true; }},
      {"help", [] { throw HelpRequested{}; }},
  };

  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "-h") throw HelpRequested{};
    if (arg.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + arg + "'");
    auto name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (auto flag = flags.find(name); flag != flags.end()) {
      if (value) bad(name, "takes no value");
      flag->second();
      continue;
    }
    auto setter = with_value.find(name);
    if (setter == with_value.end()) throw std::invalid_argument("unknown option --" + name);
    if (!value) {
      if (i + 1 >= args.size()) bad(name, "needs a value");
      value = args[++i];
    }
    setter->second(name, *value);
  }

  if (o.warmup >= o.duration) bad("warmup", "must be shorter than --duration");
  if (o.reconnect_max < o.reconnect_min) bad("reconnect-max", "below --reconnect-min");
  if (!source_addrs_given && o.host.rfind("127.", 0) == 0)
    o.source_addrs = parse_source_addrs("127.0.0.1-127.0.0.16");
  if (charger_id(o.id_prefix, o.chargers - 1).size() > 48)
    bad("id-prefix", "identities would exceed 48 characters");
  return o;
}

}  // namespace csms::loadgen
