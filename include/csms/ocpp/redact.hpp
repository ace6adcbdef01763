#pragma once

#include <string>
#include <string_view>

namespace csms::ocpp {

// An OCPP-J frame's text made fit for a log (A01.FR.08/09: passwords are never logged).
// Replaced by "***": the "value" beside a "key" named AuthorizationKey (1.6
// ChangeConfiguration, GetConfiguration answers), the "attributeValue" and
// "variableAttribute[].value" beside a "variable" named BasicAuthPassword (2.0.1
// SetVariables, GetVariables answers, NotifyReport), every property whose name contains
// "password" (any case: vpn.password, apn.apnPassword, ...) and a vpn's shared "key".
// A frame with nothing to hide comes back as it was; one that was changed is written again
// (compact, properties in their order). Text that is not JSON (or nested deeper than
// frames may be) comes back cut to 2 KiB, or withheld entirely when it names a secret.
std::string redact_secrets(std::string_view frame);

}  // namespace csms::ocpp
