#include "openapi.hpp"

namespace csms::api {

// One JSON document, kept by hand beside api.cpp (routes, roles, validation, statuses) and
// migrations/0002_read_models.sql (the shapes of station, id token and transaction).
std::string_view openapi_document() {
  // An array, not a constexpr string_view: measuring a document this long at compile time
  // passes GCC's constexpr loop limit.
  static const char kDocument[] = R"openapi({
  "openapi": "3.1.0",
  "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
  "info": {
    "title": "CSMS admin API",
    "version": "0.1.0",
    "summary": "REST admin API of the OCPP charging station management system.",
    "description": "Operators manage stations, id tokens and transactions and send commands to connected chargers.\n\nAuthentication: every path under `/api/v1` except `/api/v1/openapi.json` needs `Authorization: Bearer <token>`. Tokens come from the `api.tokens` setting and carry one role:\n- `viewer` may GET (read) everything;\n- `operator` may also POST station commands (`/api/v1/stations/{id}/commands/{name}`);\n- `admin` may do everything, including creating, patching and deleting stations and id tokens.\n\nA missing or unknown token is answered with 401 (and `WWW-Authenticate: Bearer realm=\"csms\"`); a role that is too low with 403. `/healthz` and `/readyz` are unauthenticated.\n\nErrors are `application/problem+json` (RFC 9457) with `type` (always `about:blank`), `title`, `status` and `detail`. A method a path does not list is answered with 405, an unknown path with 404.\n\nBodies are JSON objects; a body sent with a `Content-Type` that does not mention `json` is answered with 415, a body that is not valid JSON or not an object with 400. Create and patch bodies reject unknown fields with 400. An empty body counts as `{}`.\n\nLists are paginated: `limit` (1 to 500, default 50) and `cursor` (the `next_cursor` of the previous page; opaque). A page is `{\"items\": [...], \"next_cursor\": ...}`; `next_cursor` is null on the last page.\n\nTimes are RFC 3339 in UTC (`2026-01-31T08:00:00Z`, with milliseconds only when there are any). Energy is in Wh."
  },
  "servers": [
    {
      "url": "/"
    }
  ],
  "security": [
    {
      "bearer": []
    }
  ],
  "tags": [
    {
      "name": "health",
      "description": "Liveness and readiness probes (unauthenticated)."
    },
    {
      "name": "meta",
      "description": "This document."
    },
    {
      "name": "stations",
      "description": "Charging stations with their EVSEs and connectors."
    },
    {
      "name": "commands",
      "description": "Commands sent to a connected charger; one body shape for OCPP 1.6 and 2.0.1."
    },
    {
      "name": "id-tokens",
      "description": "Identifiers drivers present (RFID cards, app tokens)."
    },
    {
      "name": "transactions",
      "description": "Charging sessions with their meter samples."
    },
    {
      "name": "alerts",
      "description": "Alerts raised by fault detection and their lifecycle."
    },
    {
      "name": "fault-rules",
      "description": "The rules of fault detection and their thresholds."
    },
    {
      "name": "tariffs",
      "description": "OCPI-style tariffs that price sessions."
    },
    {
      "name": "plan",
      "description": "Subscription plans."
    },
    {
      "name": "customer",
      "description": "Customers; id tokens name their customer."
    },
    {
      "name": "audit",
      "description": "Who changed what, and what they were answered (append-only)."
    },
    {
      "name": "reservations",
      "description": "ReserveNow / CancelReservation for both OCPP versions."
    },
    {
      "name": "firmware",
      "description": "Firmware images, file transfers and the stations' file endpoint."
    },
    {
      "name": "jobs",
      "description": "One command for many stations."
    }
  ],
  "paths": {
    "/healthz": {
      "get": {
        "tags": [
          "health"
        ],
        "operationId": "getHealth",
        "summary": "Process alive",
        "security": [],
        "responses": {
          "200": {
            "description": "The process is running.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "const": "ok"
                    }
                  },
                  "required": [
                    "status"
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/readyz": {
      "get": {
        "tags": [
          "health"
        ],
        "operationId": "getReadiness",
        "summary": "Ready to serve",
        "description": "Ready when the migrations are applied and the database answers a query.",
        "security": [],
        "responses": {
          "200": {
            "description": "Migrations applied and the database reachable.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "const": "ready"
                    }
                  },
                  "required": [
                    "status"
                  ]
                }
              }
            }
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "503": {
            "description": "Not ready: migrations pending or the database unreachable.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/openapi.json": {
      "get": {
        "tags": [
          "meta"
        ],
        "operationId": "getOpenApi",
        "summary": "This OpenAPI document",
        "description": "Served without authentication.",
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 description of this API.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/stations": {
      "get": {
        "tags": [
          "stations"
        ],
        "operationId": "listStations",
        "summary": "List stations",
        "description": "Stations ordered by id. Role: viewer or higher.",
        "parameters": [
          {
            "name": "online",
            "in": "query",
            "description": "Only stations that are (`true`) or are not (`false`) connected now; any other value is answered with 400.",
            "schema": {
              "type": "boolean"
            }
          },
          {
            "name": "status",
            "in": "query",
            "description": "Only stations with at least one connector (or the station itself, EVSE 0) currently in this status.",
            "schema": {
              "$ref": "#/components/schemas/ConnectorStatus"
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "$ref": "#/components/parameters/Cursor"
          }
        ],
        "responses": {
          "200": {
            "description": "One page of stations.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StationPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      },
      "post": {
        "tags": [
          "stations"
        ],
        "operationId": "createStation",
        "summary": "Create a station",
        "description": "Registers a station ahead of its first connection. `id` is the identity the charger connects with (the last segment of its WebSocket URL). Omitted fields default to `time_zone` UTC and `registration` Accepted. Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/StationInput"
                  }
                ],
                "required": [
                  "id"
                ]
              },
              "example": {
                "id": "CP-0001",
                "name": "Depot bay 1",
                "location": "Hauptstrasse 1, Berlin",
                "latitude": 52.52,
                "longitude": 13.405,
                "time_zone": "Europe/Berlin",
                "max_power_w": 22000,
                "password": "s3cret-passw0rd-2026"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The station as created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Station"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      }
    },
    "/api/v1/stations/{id}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/StationId"
        }
      ],
      "get": {
        "tags": [
          "stations"
        ],
        "operationId": "getStation",
        "summary": "Get a station",
        "description": "The station with its EVSEs, connectors and live status. Role: viewer or higher.",
        "responses": {
          "200": {
            "description": "The station.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Station"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      },
      "patch": {
        "tags": [
          "stations"
        ],
        "operationId": "patchStation",
        "summary": "Change a station",
        "description": "Changes exactly the fields the body names; null clears a field (not `time_zone` or `registration`). An `id` in the body is ignored. Any patch clears `auto_registered`. Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/StationInput"
              },
              "example": {
                "name": "Depot bay 1",
                "tariff_id": "standard",
                "registration": "Accepted"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The station as changed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Station"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      },
      "delete": {
        "tags": [
          "stations"
        ],
        "operationId": "deleteStation",
        "summary": "Delete a station",
        "description": "Deletes the station together with its connectors, status history, reports and transactions. Role: admin.",
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      }
    },
    "/api/v1/stations/{id}/password:rotate": {
      "parameters": [
        {
          "$ref": "#/components/parameters/StationId"
        }
      ],
      "post": {
        "tags": [
          "stations"
        ],
        "operationId": "rotateStationPassword",
        "summary": "Rotate a station's password (A01)",
        "description": "Generates a 20-character password, sends it to the connected station (1.6 ChangeConfiguration AuthorizationKey as the hex of its bytes, 2.0.1 SetVariables SecurityCtrlr.BasicAuthPassword) and answers with it once the station took it. The old password is accepted until the station connects with the new one; from then on only the new one. Role: admin.",
        "responses": {
          "200": {
            "description": "The station took it.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "type": "string"
                    },
                    "password": {
                      "type": "string",
                      "description": "password:rotate only: the new password (shown once; only its hash is kept)."
                    },
                    "detail": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "description": "No such station.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "The station is offline or refused it (nothing changes), or (upgrade) the profile would not be raised.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "502": {
            "description": "The station answered with an error.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "504": {
            "description": "No answer in time: the change stays pending (the station may have taken it).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/stations/{id}/security-profile:upgrade": {
      "parameters": [
        {
          "$ref": "#/components/parameters/StationId"
        }
      ],
      "post": {
        "tags": [
          "stations"
        ],
        "operationId": "upgradeStationSecurityProfile",
        "summary": "Raise a station's security profile (A05)",
        "description": "Body `{\"profile\": 2 or 3, \"csms_url\" (2.0.1: this server's wss:// address), \"configuration_slot\"? (2.0.1, default 1), \"priority\"? (2.0.1 NetworkConfigurationPriority, default the slot)}`. 1.6: ChangeConfiguration SecurityProfile; 2.0.1: SetNetworkProfile, SetVariables OCPPCommCtrlr.NetworkConfigurationPriority, Reset. The new profile is recorded as the station's `security_profile` only when it connects with it; until then both are accepted. Role: admin.",
        "responses": {
          "200": {
            "description": "The station took it.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "status": {
                      "type": "string"
                    },
                    "password": {
                      "type": "string",
                      "description": "password:rotate only: the new password (shown once; only its hash is kept)."
                    },
                    "detail": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "description": "No such station.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "The station is offline or refused it (nothing changes), or (upgrade) the profile would not be raised.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "502": {
            "description": "The station answered with an error.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "504": {
            "description": "No answer in time: the change stays pending (the station may have taken it).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/stations/{id}/certificates": {
      "parameters": [
        {
          "$ref": "#/components/parameters/StationId"
        }
      ],
      "get": {
        "tags": [
          "stations"
        ],
        "operationId": "listStationCertificates",
        "summary": "A station's certificates",
        "description": "The certificates the station connected with (profile 3), that were signed for it, or that were revoked, newest first (at most 500). Role: viewer.",
        "responses": {
          "200": {
            "description": "Its certificates.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/StationCertificate"
                      }
                    }
                  }
                }
              }
            }
          },
          "404": {
            "description": "No such station.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/api/v1/stations/{id}/certificates/{serial}:revoke": {
      "parameters": [
        {
          "$ref": "#/components/parameters/StationId"
        },
        {
          "name": "serial",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string",
            "pattern": "^[0-9A-F]{1,40}$"
          },
          "description": "Upper-case hex, as listed."
        }
      ],
      "post": {
        "tags": [
          "stations"
        ],
        "operationId": "revokeStationCertificate",
        "summary": "Revoke a station certificate",
        "description": "A station presenting a certificate with this serial is refused from then on (known or not yet seen). Body: `{\"reason\"?}`. Role: admin.",
        "responses": {
          "200": {
            "description": "The station's certificates.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/StationCertificate"
                      }
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "description": "No such station.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/stations/{id}/commands/{name}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/StationId"
        },
        {
          "name": "name",
          "in": "path",
          "required": true,
          "description": "The command. Any other name is answered with 404.",
          "schema": {
            "$ref": "#/components/schemas/CommandName"
          }
        }
      ],
      "post": {
        "tags": [
          "commands"
        ],
        "operationId": "sendCommand",
        "summary": "Send a command to a station",
        "description": "Sends the command to the connected charger in its OCPP version and waits for its answer (up to `ocpp.call_timeout_s`). The body shape depends on `name` and is the same for OCPP 1.6 and 2.0.1:\n\n| name | body |\n|---|---|\n| `remote-start` | `{\"id_token\", \"evse_id\"?, \"connector_id\"?, \"charging_profile\"?}` |\n| `remote-stop` | `{\"transaction_id\"}` (our id or the charger's) |\n| `reset` | `{\"type\": \"Soft\" or \"Hard\", \"evse_id\"?}` |\n| `unlock` | `{\"evse_id\", \"connector_id\"?}` |\n| `change-availability` | `{\"operative\": true or false, \"evse_id\"?, \"connector_id\"?}` |\n| `get-configuration` | `{\"keys\"?: [...]}` |\n| `set-configuration` | `{\"key\", \"value\"}` |\n| `trigger-message` | `{\"message\", \"evse_id\"?}` (1.6: LogStatusNotification and SignChargePointCertificate go as the security extension's ExtendedTriggerMessage) |\n| `clear-cache` | `{}` |\n| `data-transfer` | `{\"vendor_id\", \"message_id\"?, \"data\"?}` |\n| `install-certificate` | `{\"certificate_type\": \"CSMSRootCertificate\", \"ManufacturerRootCertificate\", \"V2GRootCertificate\" or \"MORootCertificate\" (2.0.1 names; 1.6 gets CentralSystemRootCertificate), \"certificate\": PEM}` |\n| `get-installed-certificate-ids` | `{\"certificate_type\"?: one or an array (one is required for 1.6)}` |\n| `delete-certificate` | `{\"hash_algorithm\", \"issuer_name_hash\", \"issuer_key_hash\", \"serial_number\"}` |\n| `renew-certificate` | `{}`: 2.0.1 TriggerMessage SignChargingStationCertificate, 1.6 ExtendedTriggerMessage SignChargePointCertificate; the station's SignCertificate is signed with `tls.signing_ca_cert_file` and sent back with CertificateSigned |\n| `reserve` | `{\"id_token\", \"expires_at\", \"evse_id\"? (0 or none: any), \"id_token_type\"? (2.0.1, default ISO14443), \"group_id_token\"?}`: 1.6 / 2.0.1 ReserveNow with a new reservation's id (see `/api/v1/reservations`); the answer adds `reservation` |\n| `cancel-reservation` | `{\"reservation_id\"}`: CancelReservation; the answer adds `reservation` |\n| `send-local-list` | `{\"update\"?: \"differential\" (default) or \"full\", \"group\"?: an id token (the list is it and the tokens of its group; null: all; absent: as before)}`: SendLocalList of the station's scope, the first time and after a scope change whole, then only what changed since the version it confirmed (removals without info); a VersionMismatch gets the whole list; nothing changed: `{\"status\": \"UpToDate\"}` without a call. The answer adds `list_version`, `update_type`, `entries_sent`. At most 10,000 tokens (409 beyond: give a group) |\n| `get-local-list-version` | `{}`: GetLocalListVersion |\n| `update-firmware` | `{\"firmware_id\": an uploaded image (see `/api/v1/firmware`)} or `{\"location\": the image's URL, \"retrieve_at\"? (default now), \"install_at\"?, \"retries\"?, \"retry_interval_s\"?, \"signing_certificate\"? and \"signature\"? (together)}`: 1.6 UpdateFirmware (with a signature: the security extension's SignedUpdateFirmware), 2.0.1 UpdateFirmware with a requestId |\n| `get-diagnostics` | `{\"location\"?: where the station uploads (absent: to this server, see `/api/v1/file-transfers`), \"log_type\"?: \"DiagnosticsLog\" (default) or \"SecurityLog\", \"from\"?, \"to\"?, \"retries\"?, \"retry_interval_s\"?}`: 1.6 GetDiagnostics (SecurityLog: GetLog of the security extension), 2.0.1 GetLog |\n| `set-charging-profile` | `{\"evse_id\" (0: the station), \"charging_profile\": the profile in the station's OCPP version's shape (1.6 csChargingProfiles, 2.0.1 ChargingProfileType)}`: SetChargingProfile |\n| `clear-charging-profile` | `{\"profile_id\"?, \"evse_id\"?, \"purpose\"?, \"stack_level\"?}`: ClearChargingProfile with these criteria |\n| `get-composite-schedule` | `{\"evse_id\", \"duration_s\", \"charging_rate_unit\"?: \"A\" or \"W\"}`: GetCompositeSchedule |\n| `get-charging-profiles` | 2.0.1 only: `{\"evse_id\"?, \"purpose\"?, \"stack_level\"?, \"profile_ids\"?, \"limit_sources\"?}`: GetChargingProfiles; the ReportChargingProfiles that follow are kept as station reports |\n| `get-transaction-status` | 2.0.1 only: `{\"transaction_id\"?}` (ours or the station's) |\n| `customer-information` | 2.0.1 only: `{\"report\", \"clear\", \"id_token\"?, \"id_token_type\"?, \"customer_identifier\"?}` |\n| `set-display-message` | 2.0.1 only: `{\"id\", \"message\", \"priority\"? (NormalCycle), \"language\"?, \"format\"? (UTF8), \"state\"?, \"start_at\"?, \"end_at\"?, \"transaction_id\"?}` |\n| `get-display-messages` | 2.0.1 only: `{\"ids\"?, \"priority\"?, \"state\"?}` |\n| `clear-display-message` | 2.0.1 only: `{\"id\"}` |\n| `get-base-report` | 2.0.1 only: `{\"report_base\": \"ConfigurationInventory\", \"FullInventory\" or \"SummaryInventory\"}`; the NotifyReport parts that follow fill `/stations/{id}/variables` |\n| `get-report` | 2.0.1 only: `{\"criteria\"?: [...], \"keys\"?: [\"Component.Variable[.Instance]\", ...]}` |\n| `get-monitoring-report` | 2.0.1 only: `{\"criteria\"?: [...], \"keys\"?: [...]}` |\n| `set-variable-monitoring` | 2.0.1 only: `{\"monitors\": [{\"key\": \"Component.Variable[.Instance]\", \"type\", \"value\", \"severity\", \"id\"?, \"transaction\"?}]}`; the NotifyEvent a monitor triggers feeds the fault rules |\n| `clear-variable-monitoring` | 2.0.1 only: `{\"ids\": [...]}` |\n| `set-monitoring-base` | 2.0.1 only: `{\"base\": \"All\", \"FactoryDefault\" or \"HardWiredOnly\"}` |\n| `set-monitoring-level` | 2.0.1 only: `{\"severity\": 0-9}` |\n\nA body that does not make a valid command for the charger's OCPP version (a 2.0.1-only command to a 1.6 station included) is answered with 400. Role: operator or admin.\n\n`update-firmware` with `firmware_id` and `get-diagnostics` without `location` go through this server's file endpoint: a file transfer is created (its `request_id` is the command's requestId), the station gets a URL `files.base_url`/files/{token}/... that works until `files.url_ttl_s` after the transfer may start, and the answer adds `file_transfer`. 409 when no `files.base_url` is known (the API listens on every address) or, for a log, when the station's stored SupportedFileTransferProtocols / FileTransferProtocols list no HTTP (an FTP-only station needs a `location` of yours). 404 for an unknown image, 409 for one whose bytes are not uploaded.",
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "anyOf": [
                  {
                    "$ref": "#/components/schemas/RemoteStartCommand"
                  },
                  {
                    "$ref": "#/components/schemas/RemoteStopCommand"
                  },
                  {
                    "$ref": "#/components/schemas/ResetCommand"
                  },
                  {
                    "$ref": "#/components/schemas/UnlockCommand"
                  },
                  {
                    "$ref": "#/components/schemas/ChangeAvailabilityCommand"
                  },
                  {
                    "$ref": "#/components/schemas/GetConfigurationCommand"
                  },
                  {
                    "$ref": "#/components/schemas/SetConfigurationCommand"
                  },
                  {
                    "$ref": "#/components/schemas/TriggerMessageCommand"
                  },
                  {
                    "$ref": "#/components/schemas/ClearCacheCommand"
                  },
                  {
                    "$ref": "#/components/schemas/DataTransferCommand"
                  },
                  {
                    "$ref": "#/components/schemas/InstallCertificateCommand"
                  },
                  {
                    "$ref": "#/components/schemas/GetInstalledCertificateIdsCommand"
                  },
                  {
                    "$ref": "#/components/schemas/DeleteCertificateCommand"
                  },
                  {
                    "$ref": "#/components/schemas/RenewCertificateCommand"
                  }
                ]
              },
              "examples": {
                "remote-start": {
                  "summary": "remote-start",
                  "value": {
                    "id_token": "04A2B3C4D5E6F7",
                    "evse_id": 1
                  }
                },
                "remote-stop": {
                  "summary": "remote-stop",
                  "value": {
                    "transaction_id": 42
                  }
                },
                "reset": {
                  "summary": "reset",
                  "value": {
                    "type": "Soft"
                  }
                },
                "unlock": {
                  "summary": "unlock",
                  "value": {
                    "evse_id": 1,
                    "connector_id": 1
                  }
                },
                "change-availability": {
                  "summary": "change-availability",
                  "value": {
                    "operative": false,
                    "evse_id": 2
                  }
                },
                "get-configuration": {
                  "summary": "get-configuration",
                  "value": {
                    "keys": [
                      "HeartbeatInterval"
                    ]
                  }
                },
                "set-configuration": {
                  "summary": "set-configuration",
                  "value": {
                    "key": "OCPPCommCtrlr.HeartbeatInterval",
                    "value": "600"
                  }
                },
                "trigger-message": {
                  "summary": "trigger-message",
                  "value": {
                    "message": "StatusNotification",
                    "evse_id": 1
                  }
                },
                "clear-cache": {
                  "summary": "clear-cache",
                  "value": {}
                },
                "data-transfer": {
                  "summary": "data-transfer",
                  "value": {
                    "vendor_id": "com.example",
                    "message_id": "Ping",
                    "data": "hello"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The charger answered.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CommandAnswer"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "description": "Unknown station, or unknown command name.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "The station is known but not connected (or its connection closed while waiting).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "502": {
            "description": "The charger answered with a CALLERROR.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/CallErrorProblem"
                }
              }
            }
          },
          "504": {
            "description": "The charger did not answer in time.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/id-tokens": {
      "get": {
        "tags": [
          "id-tokens"
        ],
        "operationId": "listIdTokens",
        "summary": "List id tokens",
        "description": "Id tokens ordered by token. Role: viewer or higher.",
        "parameters": [
          {
            "name": "customer",
            "in": "query",
            "description": "Only tokens of this customer (`customer_id`).",
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "$ref": "#/components/parameters/Cursor"
          }
        ],
        "responses": {
          "200": {
            "description": "One page of id tokens.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IdTokenPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      },
      "post": {
        "tags": [
          "id-tokens"
        ],
        "operationId": "createIdToken",
        "summary": "Create an id token",
        "description": "`status` defaults to Accepted. Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/IdTokenInput"
                  }
                ],
                "required": [
                  "token"
                ]
              },
              "example": {
                "token": "04A2B3C4D5E6F7",
                "status": "Accepted",
                "expires_at": "2027-01-01T00:00:00Z",
                "customer_id": "cust-17"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The id token as created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IdToken"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      }
    },
    "/api/v1/id-tokens/{token}": {
      "parameters": [
        {
          "name": "token",
          "in": "path",
          "required": true,
          "description": "The id token (percent-encoded in the path).",
          "schema": {
            "type": "string"
          }
        }
      ],
      "get": {
        "tags": [
          "id-tokens"
        ],
        "operationId": "getIdToken",
        "summary": "Get an id token",
        "description": "Role: viewer or higher.",
        "responses": {
          "200": {
            "description": "The id token.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IdToken"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      },
      "patch": {
        "tags": [
          "id-tokens"
        ],
        "operationId": "patchIdToken",
        "summary": "Change an id token",
        "description": "Changes exactly the fields the body names; null clears `expires_at`, `group` or `customer_id` (`status` cannot be null). A `token` in the body is ignored. Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/IdTokenInput"
              },
              "example": {
                "status": "Blocked"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The id token as changed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/IdToken"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      },
      "delete": {
        "tags": [
          "id-tokens"
        ],
        "operationId": "deleteIdToken",
        "summary": "Delete an id token",
        "description": "Role: admin.",
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      }
    },
    "/api/v1/transactions": {
      "get": {
        "tags": [
          "transactions"
        ],
        "operationId": "listTransactions",
        "summary": "List transactions",
        "description": "Transactions, newest first (by id, descending), without meter samples. Role: viewer or higher.",
        "parameters": [
          {
            "name": "station",
            "in": "query",
            "description": "Only transactions of this station (`station_id`).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "id_token",
            "in": "query",
            "description": "Only transactions started with this id token.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "customer",
            "in": "query",
            "description": "Only transactions started with an id token of this customer (`customer_id`).",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "state",
            "in": "query",
            "description": "`open` (not stopped yet) or `closed` (stopped).",
            "schema": {
              "type": "string",
              "enum": [
                "open",
                "closed"
              ]
            }
          },
          {
            "name": "from",
            "in": "query",
            "description": "Only transactions started at or after this time (inclusive; the stop time when the start is unknown). RFC 3339 with an offset, e.g. `2026-01-31T00:00:00Z`.",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "to",
            "in": "query",
            "description": "Only transactions started before this time (exclusive; the stop time when the start is unknown). RFC 3339 with an offset.",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "pricing_status",
            "in": "query",
            "description": "Only transactions with this pricing status (see Transaction.pricing_status), e.g. `no_tariff_in_force` to find sessions no tariff priced.",
            "schema": {
              "type": "string",
              "enum": [
                "running",
                "pending",
                "priced",
                "no_tariff",
                "no_tariff_in_force",
                "no_energy_readings",
                "invalid_tariff",
                "unknown_start"
              ]
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page of transactions.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TransactionPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      }
    },
    "/api/v1/transactions/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "Our transaction id (`id`, not `ocpp_transaction_id`). A value that is not an integer is answered with 404.",
          "schema": {
            "type": "integer",
            "format": "int64"
          }
        }
      ],
      "get": {
        "tags": [
          "transactions"
        ],
        "operationId": "getTransaction",
        "summary": "Get a transaction",
        "description": "The transaction with all its meter samples. Role: viewer or higher.",
        "responses": {
          "200": {
            "description": "The transaction.",
            "content": {
              "application/json": {
                "schema": {
                  "allOf": [
                    {
                      "$ref": "#/components/schemas/Transaction"
                    }
                  ],
                  "required": [
                    "meter_samples"
                  ]
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      }
    },
    "/api/v1/transactions/{id}:reprice": {
      "post": {
        "tags": [
          "transactions"
        ],
        "operationId": "repriceTransaction",
        "summary": "Price an ended transaction again",
        "description": "Prices the ended transaction with the tariff version in force at its start as the tariffs are now (e.g. after a tariff valid from an earlier date was saved) and stores the cost; the analytics revenue of that day is rolled up again. Role: admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The transaction with its new cost.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Transaction"
                }
              }
            }
          },
          "404": {
            "description": "No such transaction.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "The transaction is still running, or it cannot be priced: the detail names the pricing status and why (a cost stored before is kept).",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "description": "The database is unavailable.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/transactions/{id}/meter-samples": {
      "get": {
        "tags": [
          "transactions"
        ],
        "operationId": "listMeterSamples",
        "summary": "A transaction's meter samples, a page at a time",
        "description": "Every sample of the transaction by time, measurand, phase, location and context. `limit` 1 to 10,000 (default 1,000); `cursor` is the `next_cursor` of the previous page. Role: viewer.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 10000,
              "default": 1000
            }
          },
          {
            "$ref": "#/components/parameters/Cursor"
          }
        ],
        "responses": {
          "200": {
            "description": "One page of samples.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "items",
                    "next_cursor"
                  ],
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/MeterSample"
                      }
                    },
                    "next_cursor": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "404": {
            "description": "No such transaction.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/api/v1/stations/{id}/reports": {
      "get": {
        "tags": [
          "stations"
        ],
        "operationId": "listStationReports",
        "summary": "What a station reported",
        "description": "Messages recorded as the station sent them (NotifyEvent, NotifyReport, SecurityEventNotification, firmware, diagnostics and log status, DataTransfer, and the other 2.0.1 notifications), newest first. Role: viewer or higher.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The station identity.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "kind",
            "in": "query",
            "description": "Only this OCPP action.",
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "404": {
            "description": "Unknown station.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "200": {
            "description": "One page, newest first.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StationReportPage"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/stations/{id}/status-history": {
      "get": {
        "tags": [
          "stations"
        ],
        "operationId": "listStatusHistory",
        "summary": "Connector status history",
        "description": "Every connector status change the station reported, with its time, error code and info, newest first. Role: viewer or higher.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "description": "The station identity.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "from",
            "in": "query",
            "description": "Changes at or after this time (RFC 3339).",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "to",
            "in": "query",
            "description": "Changes before this time (RFC 3339).",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          },
          "404": {
            "description": "Unknown station.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "200": {
            "description": "One page, newest first.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StatusChangePage"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/alerts": {
      "get": {
        "tags": [
          "alerts"
        ],
        "operationId": "listAlerts",
        "summary": "List alerts",
        "description": "Alerts from fault detection, newest first. Role: viewer or higher.",
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "open",
                "acknowledged",
                "resolved"
              ]
            }
          },
          {
            "name": "severity",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "info",
                "warning",
                "critical"
              ]
            }
          },
          {
            "name": "station",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "rule",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "from",
            "in": "query",
            "description": "Opened at or after (RFC 3339).",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "to",
            "in": "query",
            "description": "Opened before (RFC 3339).",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AlertPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/alerts/stream": {
      "get": {
        "tags": [
          "alerts"
        ],
        "operationId": "streamAlerts",
        "summary": "Live alert changes",
        "description": "Server-sent events: one event per alert change, named alert.opened, alert.escalated, alert.repeated, alert.acknowledged or alert.resolved, whose data is the Alert document. A comment line every 15 s keeps the connection alive. Role: viewer or higher.",
        "responses": {
          "200": {
            "description": "An event stream that stays open.",
            "content": {
              "text/event-stream": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/alerts/{id}": {
      "get": {
        "tags": [
          "alerts"
        ],
        "operationId": "getAlert",
        "summary": "Get an alert",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The alert.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Alert"
                }
              }
            }
          },
          "404": {
            "description": "No such alert.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/alerts/{id}:acknowledge": {
      "post": {
        "tags": [
          "alerts"
        ],
        "operationId": "acknowledgeAlert",
        "summary": "Acknowledge an alert",
        "description": "Marks an open alert as seen by an operator (by whom, when). Webhooks hear of it. Role: operator or admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AlertAction"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The changed alert.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Alert"
                }
              }
            }
          },
          "404": {
            "description": "No such alert.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "Only an open alert can be acknowledged.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/alerts/{id}:resolve": {
      "post": {
        "tags": [
          "alerts"
        ],
        "operationId": "resolveAlert",
        "summary": "Resolve an alert",
        "description": "Closes an alert by hand with an optional note; the rule may raise a new one on a new occurrence. Role: operator or admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AlertAction"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The changed alert.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Alert"
                }
              }
            }
          },
          "404": {
            "description": "No such alert.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "The alert is already resolved.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/fault-rules": {
      "get": {
        "tags": [
          "fault-rules"
        ],
        "operationId": "listFaultRules",
        "summary": "List fault rules",
        "description": "Every built-in rule with its settings. Role: viewer or higher.",
        "responses": {
          "200": {
            "description": "All rules (one page).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/FaultRule"
                      }
                    },
                    "next_cursor": {
                      "type": "null"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/fault-rules/{name}": {
      "get": {
        "tags": [
          "fault-rules"
        ],
        "operationId": "getFaultRule",
        "summary": "Get a fault rule",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The rule.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FaultRule"
                }
              }
            }
          },
          "404": {
            "description": "No such rule.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "patch": {
        "tags": [
          "fault-rules"
        ],
        "operationId": "patchFaultRule",
        "summary": "Change a fault rule",
        "description": "Changes thresholds, enables or disables the rule, sets per-station overrides. Takes effect for the next event, without a restart, and is kept across restarts. Role: admin.",
        "parameters": [
          {
            "name": "name",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FaultRulePatch"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The rule as changed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FaultRule"
                }
              }
            }
          },
          "404": {
            "description": "No such rule.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/tariffs": {
      "get": {
        "tags": [
          "tariffs"
        ],
        "operationId": "listTariffs",
        "summary": "List tariffs",
        "description": "The latest version of every tariff. Role: viewer or higher. Paginated: `limit` (1 to 500, default 50) and `cursor`.",
        "responses": {
          "200": {
            "description": "All tariffs.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Tariff"
                      }
                    },
                    "next_cursor": {
                      "type": "null"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "$ref": "#/components/parameters/Cursor"
          }
        ]
      },
      "post": {
        "tags": [
          "tariffs"
        ],
        "operationId": "createTariff",
        "summary": "Create a tariff",
        "description": "Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Tariff"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The tariff (version 1).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Tariff"
                }
              }
            }
          },
          "400": {
            "description": "Invalid tariff; the detail names the field.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "A tariff with this id exists.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/tariffs/{id}": {
      "get": {
        "tags": [
          "tariffs"
        ],
        "operationId": "getTariff",
        "summary": "Get a tariff",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Its latest version.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Tariff"
                }
              }
            }
          },
          "404": {
            "description": "No such tariff.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "put": {
        "tags": [
          "tariffs"
        ],
        "operationId": "replaceTariff",
        "summary": "Change a tariff",
        "description": "Saves a new version; sessions that already began keep the version in force when they started. Role: admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Tariff"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The new version.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Tariff"
                }
              }
            }
          },
          "400": {
            "description": "Invalid tariff.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "No such tariff.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "delete": {
        "tags": [
          "tariffs"
        ],
        "operationId": "deleteTariff",
        "summary": "Delete a tariff",
        "description": "Stops pricing new sessions with it; priced sessions keep their cost. Role: admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "404": {
            "description": "No such tariff.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/plans": {
      "get": {
        "tags": [
          "plan"
        ],
        "operationId": "listPlans",
        "summary": "List plans",
        "description": "Role: viewer or higher. Paginated: `limit` (1 to 500, default 50) and `cursor`.",
        "parameters": [
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "$ref": "#/components/parameters/Cursor"
          }
        ],
        "responses": {
          "200": {
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/Plan"
                      }
                    },
                    "next_cursor": {
                      "type": "null"
                    }
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "post": {
        "tags": [
          "plan"
        ],
        "operationId": "createPlan",
        "summary": "Create a plan",
        "description": "Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Plan"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Plan"
                }
              }
            }
          },
          "400": {
            "description": "Invalid; the detail names the field.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "A plan with this id exists.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/plans/{id}": {
      "get": {
        "tags": [
          "plan"
        ],
        "operationId": "getPlan",
        "summary": "Get a plan",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Found.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Plan"
                }
              }
            }
          },
          "404": {
            "description": "Not found.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "put": {
        "tags": [
          "plan"
        ],
        "operationId": "putPlan",
        "summary": "Change a plan",
        "description": "Replaces the plan. Role: admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Plan"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Changed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Plan"
                }
              }
            }
          },
          "400": {
            "description": "Invalid.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "Not found.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "delete": {
        "tags": [
          "plan"
        ],
        "operationId": "deletePlan",
        "summary": "Delete a plan",
        "description": "Role: admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "404": {
            "description": "Not found.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/customers": {
      "get": {
        "tags": [
          "customer"
        ],
        "operationId": "listCustomers",
        "summary": "List customers",
        "description": "Role: viewer or higher.",
        "parameters": [
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/CustomerPage"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "post": {
        "tags": [
          "customer"
        ],
        "operationId": "createCustomer",
        "summary": "Create a customer",
        "description": "Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Customer"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Customer"
                }
              }
            }
          },
          "400": {
            "description": "Invalid; the detail names the field.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "description": "A customer with this id exists, or plan_id names no plan.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/customers/{id}": {
      "get": {
        "tags": [
          "customer"
        ],
        "operationId": "getCustomer",
        "summary": "Get a customer",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Found.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Customer"
                }
              }
            }
          },
          "404": {
            "description": "Not found.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "patch": {
        "tags": [
          "customer"
        ],
        "operationId": "patchCustomer",
        "summary": "Change a customer",
        "description": "Changes the fields it names (null clears). Role: admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Customer"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "Changed.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Customer"
                }
              }
            }
          },
          "400": {
            "description": "Invalid.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "description": "Not found.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "delete": {
        "tags": [
          "customer"
        ],
        "operationId": "deleteCustomer",
        "summary": "Delete a customer",
        "description": "Role: admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "404": {
            "description": "Not found.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/stations/{id}/frame-logging": {
      "put": {
        "tags": [
          "stations"
        ],
        "operationId": "setFrameLogging",
        "summary": "Log a station's OCPP frames",
        "description": "While enabled, every frame to and from the station is logged at info level on the node that holds it (off by default; for debugging one charger). Role: operator or admin.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "required": [
                  "enabled"
                ],
                "additionalProperties": false,
                "properties": {
                  "enabled": {
                    "type": "boolean"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The new setting.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "station_id": {
                      "type": "string"
                    },
                    "enabled": {
                      "type": "boolean"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "description": "enabled is not a boolean.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/analytics/{report}": {
      "get": {
        "tags": [
          "analytics"
        ],
        "operationId": "getAnalyticsReport",
        "summary": "An analytics report",
        "description": "Reports read hourly and daily rollups that the server keeps current from committed charger messages (late and out-of-order ones included; `csms analytics rebuild` recomputes any range). Definitions: **utilization** per connector: occupied = online and in any status other than Available, Unavailable or Faulted (Reserved included: time a connector is reserved counts as occupied, from the Reserved status the station reports; a reservation for any EVSE reserves no one connector and shows in none) (a 2.0.1 connector whose transaction is charging counts too); charging = status Charging (1.6) or chargingState Charging (2.0.1); `period_s` is the part of the bucket inside the range and before now. **energy**: each interval between two register readings of a session spread evenly over its time (the billing rule). **peak-hours**: weekday (ISO, Monday = 1) x local hour over the range, all chosen stations together; `avg_occupancy_percent` = occupied connector-seconds / available connector-seconds of that weekday-hour; `peaks` names the top three. **sessions**: sessions that started in the range (open ones up to `to` or now); duration and energy percentiles (nearest rank), idle = occupied but not charging, customers = the id tokens' customers when the sessions ended, repeat = share of id tokens with more than one session. **revenue**: priced sessions by the local bucket of their end, per tariff and currency (decimal strings). **uptime** per station: 1 - (downtime - excused) / (connectors x period), where downtime is connector time offline, Faulted or Unavailable (also when the whole station is), excused the part inside maintenance windows; time before a station's first connection is not offline. **faults**: alerts opened in the range per station and rule; MTTR over resolved ones; MTBF = (range - repair time) / alerts. **expansion** (bucket ignored): per station and per site (stations grouped by location, else name): occupancy, the busiest local hour of the day and its occupancy, saturation (share of the range with every connector occupied at once; for a site the lowest of its stations', an upper bound), month-over-month growth of sessions and energy (the last whole local month in the range against the one before), ranks by busiest-hour occupancy and by saturation, `needs_capacity` (saturation >= 10 % or busiest-hour occupancy >= 80 %) and `under_used` (occupancy < 5 %). **maintenance** (bucket ignored): each station's last four weeks before `to` against its own history since `from`: alerts opened per week, failed starts among the sessions that ended in each part (under 50 Wh or 2 minutes, or not authorized) and average power while charging; `candidate` when alerts rose by half and to at least one a week, failed starts by half and to at least 10 % (of 5 or more sessions), or power fell by a third; `reasons` says which. Role: viewer or higher. A report that would have more than 500,000 rows (estimated from the stations, their connectors and the buckets before it runs) is refused with 400 naming the estimate: name stations, narrow the range or use a larger bucket.",
        "parameters": [
          {
            "name": "report",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "enum": [
                "utilization",
                "energy",
                "uptime",
                "peak-hours",
                "revenue",
                "sessions",
                "faults",
                "expansion",
                "maintenance"
              ]
            }
          },
          {
            "name": "from",
            "in": "query",
            "description": "Start of the range, inclusive (RFC 3339, any offset). Default: 30 days before `to`. Rollups count whole local hours: an hour belongs to the range when it begins inside it.",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "to",
            "in": "query",
            "description": "End of the range, exclusive (RFC 3339). Default: now.",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "station",
            "in": "query",
            "description": "A station id; repeat for several. Omitted: all stations.",
            "schema": {
              "type": "array",
              "items": {
                "type": "string"
              }
            },
            "style": "form",
            "explode": true
          },
          {
            "name": "bucket",
            "in": "query",
            "description": "Local hour, day, ISO week (from Monday) or month of each station's time zone. Hourly buckets cover at most 93 days.",
            "schema": {
              "type": "string",
              "enum": [
                "hour",
                "day",
                "week",
                "month"
              ],
              "default": "day"
            }
          },
          {
            "name": "threshold",
            "in": "query",
            "description": "uptime only: stations below this uptime percentage are flagged (default 97, the NEVI rule).",
            "schema": {
              "type": "number",
              "minimum": 0,
              "maximum": 100,
              "default": 97
            }
          },
          {
            "name": "site",
            "in": "query",
            "description": "Repeatable: only the stations of these sites (a station's site_id, else its location, else its name: the sites of the expansion report); with station as well, those of them at the sites",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The report. With `Accept: text/csv` the same rows as CSV, columns in the order of the JSON row keys.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/Report_utilization"
                    },
                    {
                      "$ref": "#/components/schemas/Report_energy"
                    },
                    {
                      "$ref": "#/components/schemas/Report_uptime"
                    },
                    {
                      "$ref": "#/components/schemas/Report_peak_hours"
                    },
                    {
                      "$ref": "#/components/schemas/Report_revenue"
                    },
                    {
                      "$ref": "#/components/schemas/Report_sessions"
                    },
                    {
                      "$ref": "#/components/schemas/Report_faults"
                    },
                    {
                      "$ref": "#/components/schemas/Report_expansion"
                    },
                    {
                      "$ref": "#/components/schemas/Report_maintenance"
                    }
                  ]
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/maintenance-windows": {
      "get": {
        "tags": [
          "analytics"
        ],
        "operationId": "listMaintenanceWindows",
        "summary": "List maintenance windows",
        "description": "Planned maintenance: downtime inside a window does not count against uptime. Role: viewer or higher. Paginated: `limit` (1 to 500, default 50) and `cursor`.",
        "parameters": [
          {
            "name": "station",
            "in": "query",
            "description": "Only this station's windows.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "from",
            "in": "query",
            "description": "Windows ending after this time.",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "to",
            "in": "query",
            "description": "Windows starting before this time.",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "$ref": "#/components/parameters/Cursor"
          }
        ],
        "responses": {
          "200": {
            "description": "All matching windows (one page).",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/MaintenanceWindow"
                      }
                    },
                    "next_cursor": {
                      "type": "null"
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "post": {
        "tags": [
          "analytics"
        ],
        "operationId": "createMaintenanceWindow",
        "summary": "Record a maintenance window",
        "description": "The affected history is rolled up again, so uptime reports change accordingly (windows older than 40 days need `csms analytics rebuild`). Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "station_id": {
                    "type": "string"
                  },
                  "evse_id": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 1,
                    "description": "Omitted or null: the whole station."
                  },
                  "starts_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "ends_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "reason": {
                    "type": [
                      "string",
                      "null"
                    ],
                    "maxLength": 500
                  }
                },
                "required": [
                  "station_id",
                  "starts_at",
                  "ends_at"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MaintenanceWindow"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          }
        }
      }
    },
    "/api/v1/maintenance-windows/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "get": {
        "tags": [
          "analytics"
        ],
        "operationId": "getMaintenanceWindow",
        "summary": "A maintenance window",
        "responses": {
          "200": {
            "description": "The window.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MaintenanceWindow"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "delete": {
        "tags": [
          "analytics"
        ],
        "operationId": "deleteMaintenanceWindow",
        "summary": "Delete a maintenance window",
        "description": "Role: admin.",
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/analytics/tariff-simulation": {
      "post": {
        "tags": [
          "analytics"
        ],
        "operationId": "simulateTariff",
        "summary": "What a proposed tariff would have earned",
        "description": "Re-prices the sessions that started in [from, to) and have ended (of the given stations, else all; at most 250,000, the earliest; `truncated` and `until` say when the limit was hit) with the billing engine and the proposed tariff, and compares with what they were priced at, in total and by customer type: `subscription` when the id token's customer has a plan, else `pay_as_you_go`. Money is exact, as decimal strings; `change_percent` is null when some sessions were never priced or the currencies differ. Role: operator or admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "tariff": {
                    "type": "object",
                    "description": "A tariff in the shape of /api/v1/tariffs (id optional)."
                  },
                  "from": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "to": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "station": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  }
                },
                "required": [
                  "tariff",
                  "from",
                  "to"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The comparison.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "from": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "to": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "tariff_id": {
                      "type": "string"
                    },
                    "sessions": {
                      "type": "integer"
                    },
                    "truncated": {
                      "type": "boolean"
                    },
                    "until": {
                      "type": "string",
                      "format": "date-time"
                    },
                    "rows": {
                      "type": "array",
                      "items": {
                        "type": "object",
                        "properties": {
                          "customer_type": {
                            "enum": [
                              "all",
                              "subscription",
                              "pay_as_you_go"
                            ]
                          },
                          "sessions": {
                            "type": "integer"
                          },
                          "energy_wh": {
                            "type": "integer"
                          },
                          "actual_currency": {
                            "type": "string"
                          },
                          "actual_excl_vat": {
                            "type": "string"
                          },
                          "actual_incl_vat": {
                            "type": "string"
                          },
                          "proposed_currency": {
                            "type": "string"
                          },
                          "proposed_excl_vat": {
                            "type": "string"
                          },
                          "proposed_incl_vat": {
                            "type": "string"
                          },
                          "actual_per_session_incl_vat": {
                            "type": "string"
                          },
                          "proposed_per_session_incl_vat": {
                            "type": "string"
                          },
                          "actual_per_kwh_incl_vat": {
                            "type": "string"
                          },
                          "proposed_per_kwh_incl_vat": {
                            "type": "string"
                          },
                          "change_percent": {
                            "type": [
                              "number",
                              "null"
                            ]
                          },
                          "unpriced_sessions": {
                            "type": "integer"
                          },
                          "other_currency_sessions": {
                            "type": "integer"
                          }
                        },
                        "required": [
                          "customer_type",
                          "sessions",
                          "energy_wh",
                          "actual_currency",
                          "actual_excl_vat",
                          "actual_incl_vat",
                          "proposed_currency",
                          "proposed_excl_vat",
                          "proposed_incl_vat",
                          "actual_per_session_incl_vat",
                          "proposed_per_session_incl_vat",
                          "actual_per_kwh_incl_vat",
                          "proposed_per_kwh_incl_vat",
                          "change_percent",
                          "unpriced_sessions",
                          "other_currency_sessions"
                        ]
                      }
                    }
                  },
                  "required": [
                    "from",
                    "to",
                    "tariff_id",
                    "sessions",
                    "truncated",
                    "rows"
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "415": {
            "$ref": "#/components/responses/UnsupportedMediaType"
          }
        }
      }
    },
    "/api/v1/invoices:generate": {
      "post": {
        "tags": [
          "invoices"
        ],
        "operationId": "generateInvoice",
        "summary": "Generate a customer's invoice for a month",
        "description": "Builds the invoice of one customer for one month of the customer's time zone: the plan's monthly fee (with the default tariff's VAT rate), every ended session of the customer's id tokens that started in the month, re-priced as billing priced it and with the plan applied (included energy consumed in chronological order, then the discount), VAT per rate on the sum of that rate's amounts (rounded half-up once per rate), totals. Numbers run without gaps per year of issue (INV-2026-000001). Generating a month again returns the issued invoice unchanged (200). A month that has not ended is refused (409), as is a session without a tariff to price it. Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "type": "object",
                "properties": {
                  "customer_id": {
                    "type": "string"
                  },
                  "month": {
                    "type": "string",
                    "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"
                  }
                },
                "required": [
                  "customer_id",
                  "month"
                ],
                "additionalProperties": false
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Issued now.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Invoice"
                }
              }
            }
          },
          "200": {
            "description": "Issued before: the same invoice.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Invoice"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          }
        }
      }
    },
    "/api/v1/invoices": {
      "get": {
        "tags": [
          "invoices"
        ],
        "operationId": "listInvoices",
        "summary": "List invoices",
        "description": "Without their items. Role: viewer or higher.",
        "parameters": [
          {
            "name": "customer",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "type": "object"
                      }
                    },
                    "next_cursor": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/invoices/{id}": {
      "get": {
        "tags": [
          "invoices"
        ],
        "operationId": "getInvoice",
        "summary": "An invoice: JSON, CSV or a printable HTML page",
        "description": "`Accept: text/csv`: one row per priced line, then the fee, VAT and totals. `Accept: text/html`: a printable page. Role: viewer or higher.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The invoice.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Invoice"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              },
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/cdrs": {
      "get": {
        "tags": [
          "invoices"
        ],
        "operationId": "exportCdrs",
        "summary": "Charge detail records of a period",
        "description": "Every session that ended in [from, to) (default: the last 31 days) with its priced cost, for accounting, by stop time, a page at a time (`limit` up to 10000, default 1000; pass `from` and `to` explicitly when paging, since the default `to` is now); `Accept: text/csv` for a CSV file with the same fields, whose next page is named by a `Link: <...>; rel=\"next\"` header. In CSV, text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return, except plain decimal numbers) start with a single quote. Role: viewer or higher.",
        "parameters": [
          {
            "name": "from",
            "in": "query",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "to",
            "in": "query",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "description": "Page size, 1 to 10000; default 1000.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 10000,
              "default": 1000
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (a transaction id); omit for the first page.",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page of CDRs.",
            "headers": {
              "Link": {
                "description": "CSV only: the next page, `<...>; rel=\"next\"`; absent on the last page.",
                "schema": {
                  "type": "string"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "type": "object"
                      }
                    },
                    "next_cursor": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  }
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/audit": {
      "get": {
        "tags": [
          "audit"
        ],
        "operationId": "listAudit",
        "summary": "List the audit log",
        "description": "Every REST call that changes something or sends a command (every method but GET), by a valid token, with who made it (the token's name from `api.tokens` `name=token:role`, else `sha256:` and the first 12 hex digits of its digest), its role, the path, the target resource and action, the body (values of keys containing `password`, `secret` or `private` replaced by `***`; bodies over 8 KiB left out), the HTTP status it got and the answer's `detail` or `status`. Refusals of a token's role (403) are recorded too; calls without a valid token are not. Entries are written right after the answer; one that cannot be written (database unreachable) is logged and counted in `csms_audit_write_failures_total`. The table refuses UPDATE, DELETE and TRUNCATE. Newest first. Role: admin.",
        "parameters": [
          {
            "name": "actor",
            "in": "query",
            "description": "Only entries of this token holder.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "target",
            "in": "query",
            "description": "Only entries about this resource (`stations/CP-1`); ending in `/` (`stations/`), every resource under it.",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "method",
            "in": "query",
            "description": "Only entries of this HTTP method.",
            "schema": {
              "type": "string",
              "enum": [
                "POST",
                "PUT",
                "PATCH",
                "DELETE"
              ]
            }
          },
          {
            "name": "status",
            "in": "query",
            "description": "Only entries answered with this HTTP status.",
            "schema": {
              "type": "integer",
              "minimum": 100,
              "maximum": 599
            }
          },
          {
            "name": "from",
            "in": "query",
            "description": "Only entries at or after this time (RFC 3339 with an offset).",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "name": "to",
            "in": "query",
            "description": "Only entries before this time (RFC 3339 with an offset).",
            "schema": {
              "type": "string",
              "format": "date-time"
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page of audit entries.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "500": {
            "$ref": "#/components/responses/InternalError"
          }
        }
      }
    },
    "/api/v1/reservations": {
      "get": {
        "tags": [
          "reservations"
        ],
        "operationId": "listReservations",
        "summary": "List reservations",
        "description": "Newest first. Role: viewer.",
        "parameters": [
          {
            "name": "station",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "Only this station's."
          },
          {
            "name": "state",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "pending",
                "active",
                "rejected",
                "failed",
                "used",
                "cancelled",
                "removed",
                "expired"
              ]
            },
            "description": "Only in this state (expired includes active ones past their expiry)."
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page of reservations.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ReservationPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "post": {
        "tags": [
          "reservations"
        ],
        "operationId": "createReservation",
        "summary": "Reserve (ReserveNow)",
        "description": "Stores the reservation (pending), sends 1.6 or 2.0.1 ReserveNow with its id and waits for the station. 201 when the station accepted (state active); 409 when it answered otherwise (the reservation is kept as rejected, in the problem's `reservation`) or is not connected (kept as failed); 404 unknown station; 504 no answer; 502 CALLERROR. A transaction that names the reservation uses it up. Role: operator.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ReservationInput"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Accepted by the station.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Reservation"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/BadRequest"
          },
          "409": {
            "$ref": "#/components/responses/BadRequest"
          },
          "502": {
            "$ref": "#/components/responses/BadRequest"
          },
          "504": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/reservations/{id}": {
      "get": {
        "tags": [
          "reservations"
        ],
        "operationId": "getReservation",
        "summary": "Get a reservation",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The reservation.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Reservation"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/reservations/{id}:cancel": {
      "post": {
        "tags": [
          "reservations"
        ],
        "operationId": "cancelReservation",
        "summary": "Cancel (CancelReservation)",
        "description": "Sends CancelReservation to the reservation's station; 200 with the reservation (cancelled) when it accepted, 409 when it is not pending or active, or the station rejected it. Role: operator.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "integer"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Cancelled.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Reservation"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/BadRequest"
          },
          "409": {
            "$ref": "#/components/responses/BadRequest"
          },
          "502": {
            "$ref": "#/components/responses/BadRequest"
          },
          "504": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/stations/{id}/local-list": {
      "get": {
        "tags": [
          "stations"
        ],
        "operationId": "getStationLocalList",
        "summary": "The station's local authorization list",
        "description": "What the station last confirmed (SendLocalList Accepted through the `send-local-list` command): its scope (`group`, null for all id tokens), `version`, the number of `entries` and the `tokens` (token -> status, expires_at, group). Version 0: never sent. Role: viewer.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The confirmed list.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "station_id": {
                      "type": "string"
                    },
                    "group": {
                      "type": [
                        "string",
                        "null"
                      ]
                    },
                    "version": {
                      "type": "integer"
                    },
                    "entries": {
                      "type": "integer"
                    },
                    "tokens": {
                      "type": "object",
                      "additionalProperties": {
                        "type": "object"
                      }
                    }
                  },
                  "required": [
                    "station_id",
                    "group",
                    "version",
                    "entries",
                    "tokens"
                  ]
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/stations/{id}/variables": {
      "get": {
        "tags": [
          "stations"
        ],
        "operationId": "listStationVariables",
        "summary": "The station's device model",
        "description": "Its components and variables with their attributes, kept from NotifyReport (GetBaseReport / GetReport: every part is applied as it comes, a request's report is complete with the part without `tbc`), the answers to `get-configuration` (2.0.1 GetVariables, 1.6 GetConfiguration: component \"\" and the key as the variable) and `set-configuration` (the value the station took). In id order. Role: viewer.",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "component",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "Only this component."
          },
          {
            "name": "variable",
            "in": "query",
            "schema": {
              "type": "string"
            },
            "description": "Only this variable."
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 100
            },
            "description": "Page size (1 to 1000, default 100)."
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page of variables.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "items": {
                      "type": "array",
                      "items": {
                        "$ref": "#/components/schemas/StationVariable"
                      }
                    },
                    "next_cursor": {
                      "type": [
                        "string",
                        "null"
                      ]
                    }
                  },
                  "required": [
                    "items",
                    "next_cursor"
                  ]
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/BadRequest"
          }
        }
      }
    },
    "/api/v1/firmware": {
      "get": {
        "tags": [
          "firmware"
        ],
        "operationId": "listFirmware",
        "summary": "List firmware images",
        "description": "Oldest first. Role: viewer.",
        "parameters": [
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FirmwareImagePage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "post": {
        "tags": [
          "firmware"
        ],
        "operationId": "createFirmware",
        "summary": "Create a firmware image's metadata",
        "description": "The bytes follow with `PUT /api/v1/firmware/{id}/image`. 409 when the version exists. Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FirmwareImageInput"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FirmwareImage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          }
        }
      }
    },
    "/api/v1/firmware/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "get": {
        "tags": [
          "firmware"
        ],
        "operationId": "getFirmware",
        "summary": "Get a firmware image's metadata",
        "description": "Role: viewer.",
        "responses": {
          "200": {
            "description": "The image.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FirmwareImage"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "delete": {
        "tags": [
          "firmware"
        ],
        "operationId": "deleteFirmware",
        "summary": "Delete a firmware image",
        "description": "Its bytes too. 409 once a station was sent it (its transfers refer to it). Role: admin.",
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          }
        }
      }
    },
    "/api/v1/firmware/{id}/image": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "put": {
        "tags": [
          "firmware"
        ],
        "operationId": "uploadFirmwareImage",
        "summary": "Upload a firmware image's bytes",
        "description": "The body is the image (any content type), up to `files.max_upload_mib` (413 beyond). Stored under `files.dir` with its SHA-256 and size; 422 when the metadata's `sha256` differs. At most 4 large uploads are read at once (503 beyond). Uploading again replaces the bytes until a station was sent the image (then 409: upload a new version). A body over 1 MiB is read only with an admin token, must keep coming (30 s between pieces, 16 KiB/s on average after the first 30 s, else 408). Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/octet-stream": {
              "schema": {
                "type": "string",
                "contentMediaType": "application/octet-stream"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The image with its SHA-256 and size.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FirmwareImage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "description": "Larger than files.max_upload_mib.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "422": {
            "description": "The bytes' SHA-256 is not the one the metadata gave.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          }
        }
      },
      "get": {
        "tags": [
          "firmware"
        ],
        "operationId": "downloadFirmwareImage",
        "summary": "Download a firmware image's bytes",
        "description": "Role: viewer.",
        "responses": {
          "200": {
            "description": "The bytes.",
            "content": {
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "contentMediaType": "application/octet-stream"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/file-transfers": {
      "get": {
        "tags": [
          "firmware"
        ],
        "operationId": "listFileTransfers",
        "summary": "List file transfers",
        "description": "Firmware downloads and log uploads through the file endpoint, newest first. Role: viewer.",
        "parameters": [
          {
            "name": "station",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "kind",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "firmware",
                "log"
              ]
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page (digits only; anything else is answered with 400).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]*$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FileTransferPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/file-transfers/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "get": {
        "tags": [
          "firmware"
        ],
        "operationId": "getFileTransfer",
        "summary": "Get a file transfer",
        "description": "Role: viewer.",
        "responses": {
          "200": {
            "description": "The transfer.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FileTransfer"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/file-transfers/{id}/content": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "get": {
        "tags": [
          "firmware"
        ],
        "operationId": "downloadFileTransferContent",
        "summary": "Download what a station uploaded",
        "description": "The file exactly as received. 404 before an upload came or for a firmware transfer. Role: viewer.",
        "responses": {
          "200": {
            "description": "The bytes.",
            "content": {
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "contentMediaType": "application/octet-stream"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/files/{token}/{name}": {
      "parameters": [
        {
          "name": "token",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string"
          },
          "description": "The transfer's random token (64 hex digits), known only from the command sent to the station."
        },
        {
          "name": "name",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string"
          },
          "description": "Any name (the image's file name in a download URL; an upload's file name)."
        }
      ],
      "get": {
        "tags": [
          "firmware"
        ],
        "operationId": "stationDownload",
        "summary": "A station downloads its firmware image",
        "description": "Unauthenticated: the token is the credential. 404 for an unknown token (or one for an upload), 403 past the transfer's `expires_at`. Each download is counted.",
        "security": [],
        "responses": {
          "200": {
            "description": "The image.",
            "content": {
              "application/octet-stream": {
                "schema": {
                  "type": "string",
                  "contentMediaType": "application/octet-stream"
                }
              }
            }
          },
          "403": {
            "description": "The URL has expired.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "put": {
        "tags": [
          "firmware"
        ],
        "operationId": "stationUpload",
        "summary": "A station uploads diagnostics or a log",
        "description": "Unauthenticated: the token is the credential. The body is the file; POST takes it as the body too, or as the file part of multipart/form-data. `/files/{token}/` (the 1.6 directory form) works the same with no name. 404 for an unknown token (or a download's), 403 past `expires_at`, 413 beyond `files.max_upload_mib`; a large body must keep coming (30 s between pieces, 16 KiB/s on average after the first 30 s, else 408); at most 4 large uploads at once (503). Uploading again replaces the file.",
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/octet-stream": {
              "schema": {
                "type": "string",
                "contentMediaType": "application/octet-stream"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Stored.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "file_name": {
                      "type": "string"
                    },
                    "size_bytes": {
                      "type": "integer"
                    },
                    "sha256": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "403": {
            "description": "The URL has expired.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "description": "Too large.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      },
      "post": {
        "tags": [
          "firmware"
        ],
        "operationId": "stationUploadPost",
        "summary": "A station uploads diagnostics or a log (POST, body or multipart/form-data)",
        "description": "Unauthenticated: the token is the credential. The body is the file; POST takes it as the body too, or as the file part of multipart/form-data. `/files/{token}/` (the 1.6 directory form) works the same with no name. 404 for an unknown token (or a download's), 403 past `expires_at`, 413 beyond `files.max_upload_mib`; a large body must keep coming (30 s between pieces, 16 KiB/s on average after the first 30 s, else 408); at most 4 large uploads at once (503). Uploading again replaces the file.",
        "security": [],
        "requestBody": {
          "required": true,
          "content": {
            "application/octet-stream": {
              "schema": {
                "type": "string",
                "contentMediaType": "application/octet-stream"
              }
            },
            "multipart/form-data": {
              "schema": {
                "type": "object",
                "properties": {
                  "file": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream"
                  }
                }
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Stored.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "properties": {
                    "file_name": {
                      "type": "string"
                    },
                    "size_bytes": {
                      "type": "integer"
                    },
                    "sha256": {
                      "type": "string"
                    }
                  }
                }
              }
            }
          },
          "403": {
            "description": "The URL has expired.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "description": "Too large.",
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/Problem"
                }
              }
            }
          }
        }
      }
    },
    "/api/v1/jobs": {
      "get": {
        "tags": [
          "jobs"
        ],
        "operationId": "listJobs",
        "summary": "List fleet jobs",
        "description": "Newest first. Role: viewer.",
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "schema": {
              "enum": [
                "running",
                "completed",
                "halted",
                "cancelled"
              ]
            }
          },
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JobPage"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      },
      "post": {
        "tags": [
          "jobs"
        ],
        "operationId": "createJob",
        "summary": "Start a fleet job",
        "description": "One station command for many stations, sent by the server every second as concurrency and waves allow, through the same path as `POST /stations/{id}/commands/{name}` (a command the station's version cannot take fails for that station). Role: operator.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/JobInput"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Created (running).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/api/v1/jobs/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "get": {
        "tags": [
          "jobs"
        ],
        "operationId": "getJob",
        "summary": "Get a fleet job with its progress",
        "description": "Role: viewer.",
        "responses": {
          "200": {
            "description": "The job.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/jobs/{id}:cancel": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "post": {
        "tags": [
          "jobs"
        ],
        "operationId": "cancelJob",
        "summary": "Cancel a fleet job",
        "description": "Stations not yet sent are cancelled; those sent keep their outcome. 409 when the job has ended. Role: operator.",
        "responses": {
          "200": {
            "description": "The job, cancelled.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Job"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          }
        }
      }
    },
    "/api/v1/jobs/{id}/stations": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "get": {
        "tags": [
          "jobs"
        ],
        "operationId": "listJobStations",
        "summary": "A fleet job's result table",
        "description": "One row per station, by station id. Role: viewer.",
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "schema": {
              "enum": [
                "pending",
                "sending",
                "waiting",
                "running",
                "succeeded",
                "failed",
                "cancelled"
              ]
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 100
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "description": "The `next_cursor` of the previous page.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/JobStationPage"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/sites": {
      "get": {
        "tags": [
          "sites"
        ],
        "operationId": "listSites",
        "summary": "List the sites",
        "description": "Role: viewer.",
        "parameters": [
          {
            "$ref": "#/components/parameters/Limit"
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of sites (items, next_cursor)."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      },
      "post": {
        "tags": [
          "sites"
        ],
        "operationId": "createSite",
        "summary": "Create a site",
        "description": "Give limit_a or limit_w. Stations join it with their site_id (PATCH /api/v1/stations/{id}). Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Site"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The site.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Site"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "409": {
            "description": "A site with this id exists."
          }
        }
      }
    },
    "/api/v1/sites/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string"
          }
        }
      ],
      "get": {
        "tags": [
          "sites"
        ],
        "operationId": "getSite",
        "summary": "Get a site",
        "description": "Role: viewer.",
        "responses": {
          "200": {
            "description": "The site.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Site"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "patch": {
        "tags": [
          "sites"
        ],
        "operationId": "patchSite",
        "summary": "Change a site (the load manager re-plans within a second)",
        "description": "limit_a and limit_w replace each other. Role: admin.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/Site"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The site.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Site"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "delete": {
        "tags": [
          "sites"
        ],
        "operationId": "deleteSite",
        "summary": "Delete a site",
        "description": "409 while stations belong to it. Role: admin.",
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "description": "Stations still belong to it."
          }
        }
      }
    },
    "/api/v1/sites/{id}/load": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string"
          }
        }
      ],
      "get": {
        "tags": [
          "sites"
        ],
        "operationId": "getSiteLoad",
        "summary": "What a site carries: limit, allocated, worst case, measured, per session",
        "description": "Role: viewer.",
        "responses": {
          "200": {
            "description": "The site's load.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SiteLoad"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/api/v1/charging-profiles": {
      "get": {
        "tags": [
          "smart charging"
        ],
        "operationId": "listChargingProfiles",
        "summary": "List charging profiles (what the CSMS believes each station holds)",
        "description": "Filters: station, state. Role: viewer.",
        "parameters": [
          {
            "name": "station",
            "in": "query",
            "schema": {
              "type": "string"
            }
          },
          {
            "name": "state",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "pending",
                "installed",
                "rejected",
                "clearing",
                "cleared"
              ]
            }
          },
          {
            "name": "limit",
            "in": "query",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "schema": {
              "type": "string"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "A page of profiles (items, next_cursor)."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      },
      "post": {
        "tags": [
          "smart charging"
        ],
        "operationId": "createChargingProfile",
        "summary": "Install a charging profile on a station (SetChargingProfile)",
        "description": "Checked by both versions' rules and the station's version's (400 with the reason), against the profiles the station holds (409 with conflicting_profile_id: same EVSE, purpose and stack level with overlapping validity, K01.FR.06), a TxProfile against its transaction (409 when it does not run on that EVSE). 404 unknown station, 409 a station that never connected (its version is unknown). Sent at once; the answer's state says what the station did (pending when it is offline or did not answer: sent again when it connects). Role: operator.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ChargingProfile"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The profile with the station's answer.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ChargingProfile"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "description": "A conflicting profile, a transaction not running there, or a station never connected."
          }
        }
      }
    },
    "/api/v1/charging-profiles/{id}": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "integer"
          }
        }
      ],
      "get": {
        "tags": [
          "smart charging"
        ],
        "operationId": "getChargingProfile",
        "summary": "Get a charging profile",
        "description": "Role: viewer.",
        "responses": {
          "200": {
            "description": "The profile.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ChargingProfile"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "delete": {
        "tags": [
          "smart charging"
        ],
        "operationId": "clearChargingProfile",
        "summary": "Clear a charging profile from its station (ClearChargingProfile by id)",
        "description": "200 cleared (the station accepted, or no longer had it), 202 when the station is offline or did not answer (state clearing: cleared when it connects), 502 when it refused. Role: operator.",
        "responses": {
          "200": {
            "description": "Cleared.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ChargingProfile"
                }
              }
            }
          },
          "202": {
            "description": "To be cleared when the station is reached.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ChargingProfile"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "502": {
            "description": "The station refused."
          }
        }
      }
    },
    "/api/v1/stations/{id}/charging-schedule": {
      "parameters": [
        {
          "name": "id",
          "in": "path",
          "required": true,
          "schema": {
            "type": "string"
          }
        }
      ],
      "get": {
        "tags": [
          "smart charging"
        ],
        "operationId": "getChargingScheduleDrift",
        "summary": "The station's composite schedule against the one its profiles should give (drift)",
        "description": "Sends GetCompositeSchedule and computes the expected composite schedule from the profiles the CSMS believes installed (the operators' and the load manager's): TxProfile, else TxDefaultProfile (highest stack level), capped by the station maximum and external constraints. Query: evse_id (default 1), duration_s (60 to 604800, default 3600), charging_rate_unit (A, W). Answers expected, reported, in_sync and the differences (start_s, expected, reported). 409 offline, 504 no answer. Role: viewer.",
        "parameters": [
          {
            "name": "evse_id",
            "in": "query",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "duration_s",
            "in": "query",
            "schema": {
              "type": "integer"
            }
          },
          {
            "name": "charging_rate_unit",
            "in": "query",
            "schema": {
              "type": "string",
              "enum": [
                "A",
                "W"
              ]
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Expected and reported schedules."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "description": "The station is offline."
          },
          "504": {
            "description": "No answer in time."
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from the `api.tokens` or `api.token_file` setting (`CSMS_API_TOKENS=tok1:admin,tok2:viewer`; entries may give the token's SHA-256 as `sha256:<hex>:role`). Roles: `viewer` may read (GET); `operator` may also POST station commands; `admin` may do everything (create, patch, delete). A missing or unknown token gets 401, a role too low for the request 403."
      }
    },
    "parameters": {
      "Limit": {
        "name": "limit",
        "in": "query",
        "description": "Page size, 1 to 500; default 50.",
        "schema": {
          "type": "integer",
          "minimum": 1,
          "maximum": 500,
          "default": 50
        }
      },
      "Cursor": {
        "name": "cursor",
        "in": "query",
        "description": "The `next_cursor` of the previous page; omit for the first page.",
        "schema": {
          "type": "string"
        }
      },
      "StationId": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "The station identity (percent-encoded in the path).",
        "schema": {
          "type": "string"
        }
      }
    },
    "responses": {
      "BadRequest": {
        "description": "A parameter or the body is invalid; `detail` says which and why.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "No `Authorization: Bearer` header, or an unknown token.",
        "headers": {
          "WWW-Authenticate": {
            "description": "Always `Bearer realm=\"csms\"`.",
            "schema": {
              "type": "string"
            }
          }
        },
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "Forbidden": {
        "description": "The token's role may not make this request (viewer: GET only; operator: GET and station commands; admin: everything).",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "NotFound": {
        "description": "No such resource.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "Conflict": {
        "description": "A resource with this id already exists.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "UnsupportedMediaType": {
        "description": "The body was sent with a `Content-Type` that is not JSON.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      },
      "InternalError": {
        "description": "The request could not be completed (e.g. a database failure).",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/Problem"
            }
          }
        }
      }
    },
    "schemas": {
      "Problem": {
        "type": "object",
        "description": "An error (RFC 9457, `application/problem+json`).",
        "properties": {
          "type": {
            "type": "string",
            "description": "Always `about:blank`: the status says what kind of error it is.",
            "example": "about:blank"
          },
          "title": {
            "type": "string",
            "description": "The HTTP reason phrase of the status.",
            "example": "Bad Request"
          },
          "status": {
            "type": "integer",
            "description": "The HTTP status code.",
            "example": 400
          },
          "detail": {
            "type": "string",
            "description": "What went wrong, for a human.",
            "example": "limit must be an integer from 1 to 500"
          }
        },
        "required": [
          "type",
          "title",
          "status",
          "detail"
        ]
      },
      "CallErrorProblem": {
        "description": "A problem carrying the charger's CALLERROR.",
        "allOf": [
          {
            "$ref": "#/components/schemas/Problem"
          },
          {
            "type": "object",
            "properties": {
              "error_code": {
                "type": "string",
                "description": "The OCPP error code, e.g. `NotSupported`.",
                "example": "NotSupported"
              },
              "error_description": {
                "type": "string",
                "description": "The charger's error description."
              },
              "error_details": {
                "type": "object",
                "description": "The charger's error details object."
              }
            },
            "required": [
              "error_code",
              "error_description",
              "error_details"
            ]
          }
        ]
      },
      "ConnectorStatus": {
        "type": "string",
        "description": "Availability: the union of OCPP 1.6's nine statuses and 2.0.1's five.",
        "enum": [
          "Available",
          "Preparing",
          "Charging",
          "SuspendedEVSE",
          "SuspendedEV",
          "Finishing",
          "Reserved",
          "Unavailable",
          "Faulted",
          "Occupied"
        ]
      },
      "Connector": {
        "type": "object",
        "description": "A connector's live status as the charger last reported it. An OCPP 1.6 connector N is EVSE N with connector 1.",
        "properties": {
          "connector_id": {
            "type": "integer",
            "minimum": 0
          },
          "status": {
            "$ref": "#/components/schemas/ConnectorStatus"
          },
          "error_code": {
            "type": [
              "string",
              "null"
            ],
            "description": "The error code reported with the status (OCPP 1.6), if any."
          },
          "info": {
            "type": [
              "string",
              "null"
            ]
          },
          "vendor_error_code": {
            "type": [
              "string",
              "null"
            ]
          },
          "status_at": {
            "type": "string",
            "format": "date-time",
            "description": "When the charger says the status began."
          }
        },
        "required": [
          "connector_id",
          "status",
          "error_code",
          "info",
          "vendor_error_code",
          "status_at"
        ]
      },
      "Evse": {
        "type": "object",
        "properties": {
          "evse_id": {
            "type": "integer",
            "minimum": 1
          },
          "connectors": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Connector"
            }
          }
        },
        "required": [
          "evse_id",
          "connectors"
        ]
      },
      "Station": {
        "type": "object",
        "description": "A charging station with its configuration, what it reported at boot, its connection state and its EVSEs.",
        "properties": {
          "id": {
            "type": "string",
            "description": "The identity the charger connects with."
          },
          "name": {
            "type": [
              "string",
              "null"
            ]
          },
          "location": {
            "type": [
              "string",
              "null"
            ]
          },
          "latitude": {
            "type": [
              "number",
              "null"
            ]
          },
          "longitude": {
            "type": [
              "number",
              "null"
            ]
          },
          "time_zone": {
            "type": "string",
            "description": "IANA time zone, e.g. `Europe/Berlin`.",
            "example": "UTC"
          },
          "tariff_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "max_power_w": {
            "type": [
              "integer",
              "null"
            ]
          },
          "registration": {
            "type": "string",
            "enum": [
              "Accepted",
              "Pending",
              "Rejected"
            ],
            "description": "What the station's BootNotification is answered with."
          },
          "auto_registered": {
            "type": "boolean",
            "description": "Created automatically when an unknown station connected; any PATCH clears it."
          },
          "password_set": {
            "type": "boolean",
            "description": "Whether a charger password (HTTP basic auth, security profile 1) is set."
          },
          "online": {
            "type": "boolean",
            "description": "Connected now."
          },
          "connected_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "last_seen_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "protocol": {
            "type": [
              "string",
              "null"
            ],
            "enum": [
              "ocpp1.6",
              "ocpp2.0.1",
              null
            ],
            "description": "The OCPP version of the last connection; null before the first."
          },
          "vendor": {
            "type": [
              "string",
              "null"
            ]
          },
          "model": {
            "type": [
              "string",
              "null"
            ]
          },
          "serial_number": {
            "type": [
              "string",
              "null"
            ]
          },
          "firmware_version": {
            "type": [
              "string",
              "null"
            ]
          },
          "iccid": {
            "type": [
              "string",
              "null"
            ]
          },
          "imsi": {
            "type": [
              "string",
              "null"
            ]
          },
          "meter_type": {
            "type": [
              "string",
              "null"
            ]
          },
          "meter_serial_number": {
            "type": [
              "string",
              "null"
            ]
          },
          "last_boot_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "last_boot_reason": {
            "type": [
              "string",
              "null"
            ]
          },
          "status": {
            "description": "The status of the station as a whole (EVSE 0, connector 0; OCPP 1.6 connector 0); null when never reported.",
            "anyOf": [
              {
                "$ref": "#/components/schemas/ConnectorStatus"
              },
              {
                "type": "null"
              }
            ]
          },
          "evses": {
            "type": "array",
            "description": "EVSEs ordered by id, each with its connectors; empty until the charger reports a status.",
            "items": {
              "$ref": "#/components/schemas/Evse"
            }
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "security_profile": {
            "type": [
              "integer",
              "null"
            ],
            "enum": [
              1,
              2,
              3,
              null
            ],
            "description": "The security profile the station must connect with: 1 ws:// with a password, 2 wss:// with a password, 3 wss:// with a client certificate; null: any its credentials pass. Another profile is refused (no downgrade)."
          },
          "certificate_cn": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 64,
            "description": "Profile 3: the CN its certificate carries (default: the station id)."
          },
          "connected_profile": {
            "type": [
              "integer",
              "null"
            ],
            "description": "The profile of its latest connection."
          },
          "password_rotation_pending": {
            "type": "boolean",
            "description": "A rotated password waits for the station to connect with it (both are accepted until then)."
          },
          "pending_security_profile": {
            "type": [
              "integer",
              "null"
            ],
            "description": "The profile an upgrade moves the station to, recorded when it connects with it."
          },
          "site_id": {
            "type": [
              "string",
              "null"
            ],
            "description": "The site (grid connection) the station belongs to; load management applies to its sessions"
          }
        },
        "required": [
          "id",
          "name",
          "location",
          "latitude",
          "longitude",
          "time_zone",
          "tariff_id",
          "max_power_w",
          "registration",
          "auto_registered",
          "password_set",
          "online",
          "connected_at",
          "last_seen_at",
          "protocol",
          "vendor",
          "model",
          "serial_number",
          "firmware_version",
          "iccid",
          "imsi",
          "meter_type",
          "meter_serial_number",
          "last_boot_at",
          "last_boot_reason",
          "status",
          "evses",
          "created_at"
        ]
      },
      "StationInput": {
        "type": "object",
        "description": "The fields a client may set on a station. Unknown fields are answered with 400. Lengths are counted in bytes.",
        "properties": {
          "id": {
            "type": "string",
            "description": "The identity the charger connects with: 1 to 48 printable characters without `:` or `/`. Required to create; ignored by PATCH.",
            "minLength": 1,
            "maxLength": 48,
            "pattern": "^[^\\u0000-\\u0020\\u007F:/]+$"
          },
          "name": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 200
          },
          "location": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 500
          },
          "latitude": {
            "type": [
              "number",
              "null"
            ],
            "minimum": -90,
            "maximum": 90
          },
          "longitude": {
            "type": [
              "number",
              "null"
            ],
            "minimum": -180,
            "maximum": 180
          },
          "time_zone": {
            "type": "string",
            "maxLength": 64,
            "description": "An IANA time zone the server's tz database knows, e.g. `Europe/Berlin`; default `UTC`.",
            "example": "Europe/Berlin"
          },
          "tariff_id": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 100
          },
          "max_power_w": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 0,
            "maximum": 10000000
          },
          "registration": {
            "type": "string",
            "enum": [
              "Accepted",
              "Pending",
              "Rejected"
            ],
            "description": "What the station's BootNotification is answered with; default `Accepted`."
          },
          "password": {
            "type": [
              "string",
              "null"
            ],
            "minLength": 16,
            "maxLength": 40,
            "writeOnly": true,
            "description": "The charger's HTTP basic auth password (security profiles 1 and 2), 16 to 40 characters (OCPP 2.0.1 BasicAuthPassword). For an OCPP 1.6 charger give its AuthorizationKey as the 32 to 40 hex digits it is configured with (it may send the decoded bytes or the hex text; both are accepted), or the password itself. Stored only as a hash and never returned (see `password_set`). null removes it."
          },
          "meter_public_key": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 2000,
            "description": "The public key of the station's calibration-law meter (hex or base64 DER SubjectPublicKeyInfo, or PEM). With it, OCMF-signed start and stop readings are verified and the session's cost says so in `signed_meter_values`. Write-only."
          },
          "security_profile": {
            "type": [
              "integer",
              "null"
            ],
            "enum": [
              1,
              2,
              3,
              null
            ],
            "description": "The security profile the station must connect with: 1 ws:// with a password, 2 wss:// with a password, 3 wss:// with a client certificate; null: any its credentials pass. Another profile is refused (no downgrade)."
          },
          "certificate_cn": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 64,
            "description": "Profile 3: the CN its certificate carries (default: the station id)."
          },
          "site_id": {
            "type": [
              "string",
              "null"
            ],
            "description": "The site (grid connection) the station belongs to; load management applies to its sessions"
          }
        },
        "additionalProperties": false
      },
      "StationPage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Station"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as `cursor` for the next page; null on the last page."
          }
        },
        "required": [
          "items",
          "next_cursor"
        ]
      },
      "IdToken": {
        "type": "object",
        "description": "An identifier drivers present (OCPP 1.6 idTag, 2.0.1 idToken). Chargers' tokens are matched case-insensitively (OCPP's IdToken is): a token that differs from an existing one only in case cannot be created (409).",
        "properties": {
          "token": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "Accepted",
              "Blocked",
              "Expired",
              "Invalid"
            ]
          },
          "expires_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "group": {
            "type": [
              "string",
              "null"
            ],
            "description": "The group (parent) id token."
          },
          "customer_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "max_concurrent_sessions": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 1,
            "description": "Sessions the token may run at once (a StartTransaction or a TransactionEvent that would make one more is answered ConcurrentTx); null: no limit, for fleet cards."
          },
          "charging_priority": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": -9,
            "maximum": 9,
            "description": "Higher is served first by the load manager (2.0.1 chargingPriority's range)"
          }
        },
        "required": [
          "token",
          "status",
          "expires_at",
          "group",
          "customer_id",
          "max_concurrent_sessions",
          "created_at"
        ]
      },
      "IdTokenInput": {
        "type": "object",
        "description": "The fields a client may set on an id token. Unknown fields are answered with 400. Lengths are counted in bytes.",
        "properties": {
          "token": {
            "type": "string",
            "minLength": 1,
            "maxLength": 36,
            "description": "Required to create; ignored by PATCH."
          },
          "status": {
            "type": "string",
            "enum": [
              "Accepted",
              "Blocked",
              "Expired",
              "Invalid"
            ],
            "description": "Default `Accepted`."
          },
          "expires_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "RFC 3339 with an offset; stored and returned in UTC. null: never expires."
          },
          "group": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 36,
            "description": "The group (parent) id token."
          },
          "customer_id": {
            "type": [
              "string",
              "null"
            ],
            "maxLength": 100
          },
          "max_concurrent_sessions": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 1,
            "maximum": 1000000,
            "description": "Default 1. null: no limit (fleet cards)."
          },
          "charging_priority": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": -9,
            "maximum": 9,
            "description": "Higher is served first by the load manager (2.0.1 chargingPriority's range)"
          }
        },
        "additionalProperties": false
      },
      "IdTokenPage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/IdToken"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as `cursor` for the next page; null on the last page."
          }
        },
        "required": [
          "items",
          "next_cursor"
        ]
      },
      "Transaction": {
        "type": "object",
        "description": "A charging session, for both OCPP versions.",
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64",
            "description": "Our id."
          },
          "station_id": {
            "type": "string"
          },
          "protocol": {
            "type": "string",
            "enum": [
              "ocpp1.6",
              "ocpp2.0.1"
            ]
          },
          "evse_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "connector_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "id_token": {
            "type": [
              "string",
              "null"
            ],
            "description": "The id token that started the session."
          },
          "stop_id_token": {
            "type": [
              "string",
              "null"
            ],
            "description": "The id token that stopped it, when reported."
          },
          "authorization_status": {
            "type": [
              "string",
              "null"
            ],
            "enum": [
              "Accepted",
              "Blocked",
              "Expired",
              "Invalid",
              "ConcurrentTx",
              "NoCredit",
              "NotAllowedTypeEVSE",
              "NotAtThisLocation",
              "NotAtThisTime",
              "Unknown",
              null
            ]
          },
          "ocpp_transaction_id": {
            "type": "string",
            "description": "The id the charger uses: our id as text for OCPP 1.6, the charger's string for 2.0.1."
          },
          "started_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "stopped_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "meter_start_wh": {
            "type": [
              "number",
              "null"
            ]
          },
          "meter_stop_wh": {
            "type": [
              "number",
              "null"
            ]
          },
          "energy_wh": {
            "type": [
              "integer",
              "null"
            ],
            "description": "Energy delivered, rounded: the stop reading (or, while open, the latest energy register sample) minus the start reading; null when either is unknown."
          },
          "stop_reason": {
            "type": [
              "string",
              "null"
            ]
          },
          "charging_state": {
            "type": [
              "string",
              "null"
            ],
            "enum": [
              "Charging",
              "EVConnected",
              "SuspendedEV",
              "SuspendedEVSE",
              "Idle",
              null
            ]
          },
          "state": {
            "type": "string",
            "enum": [
              "open",
              "closed"
            ]
          },
          "remote_start_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "reservation_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "last_seq_no": {
            "type": [
              "integer",
              "null"
            ],
            "description": "The last OCPP 2.0.1 TransactionEvent seqNo received."
          },
          "offline": {
            "type": "boolean",
            "description": "Some of the session's events were queued while the charger was offline."
          },
          "flags": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Data-quality markers the server recorded."
          },
          "cost": {
            "type": [
              "object",
              "null"
            ],
            "description": "Set when the transaction ends: currency, tariff_id, tariff_version, energy_wh, lines [{dimension, element_index, quantity, unit_price, amount, basis}], lines_total, total_excl_vat, vat_percent, vat, total_incl_vat, flags, signed_meter_values {start, stop}: each {status: verified|invalid|unparseable|unsigned|no_public_key, meter_serial, reading {time, type, value, unit}, detail}, from the session's first and last OCMF-signed samples and the station's meter_public_key. Null while open or when the session could not be priced (pricing_status says why)."
          },
          "meter_samples": {
            "type": "array",
            "description": "Only in GET /api/v1/transactions/{id}: the first 1,000 samples by time, measurand and phase (all of them: GET /api/v1/transactions/{id}/meter-samples).",
            "items": {
              "$ref": "#/components/schemas/MeterSample"
            }
          },
          "pricing_status": {
            "type": "string",
            "enum": [
              "running",
              "pending",
              "priced",
              "no_tariff",
              "no_tariff_in_force",
              "no_energy_readings",
              "invalid_tariff",
              "unknown_start"
            ],
            "description": "Why the transaction has the cost it has: `running` (not ended), `pending` (ended, pricing not done yet: it is retried until done, also after a database outage or a restart), `priced`, or why it could not be priced: `no_tariff` (the station, or the customer's plan, names a tariff that does not exist, or there is none and no default), `no_tariff_in_force` (no version of the tariff is valid at the session's start: see the tariff's start_date_time / end_date_time), `no_energy_readings` (the tariff prices energy and the session has fewer than two energy register readings), `invalid_tariff` (the stored tariff cannot price it), `unknown_start` (the start never reached the CSMS). An admin may reprice with POST /api/v1/transactions/{id}:reprice."
          },
          "pricing_detail": {
            "type": [
              "string",
              "null"
            ],
            "description": "When not priced: why, in words."
          },
          "priced_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "When the cost was stored."
          },
          "meter_samples_truncated": {
            "type": "boolean",
            "description": "Only in GET /api/v1/transactions/{id}: true when the session has more than the 1,000 samples embedded."
          }
        },
        "required": [
          "id",
          "station_id",
          "protocol",
          "evse_id",
          "connector_id",
          "id_token",
          "stop_id_token",
          "authorization_status",
          "ocpp_transaction_id",
          "started_at",
          "stopped_at",
          "meter_start_wh",
          "meter_stop_wh",
          "energy_wh",
          "stop_reason",
          "charging_state",
          "state",
          "remote_start_id",
          "reservation_id",
          "last_seq_no",
          "offline",
          "flags",
          "cost",
          "pricing_status",
          "pricing_detail",
          "priced_at"
        ]
      },
      "MeterSample": {
        "type": "object",
        "description": "One sampled value, as sent and normalized to a canonical unit.",
        "properties": {
          "timestamp": {
            "type": "string",
            "format": "date-time"
          },
          "measurand": {
            "type": "string",
            "example": "Energy.Active.Import.Register"
          },
          "phase": {
            "type": [
              "string",
              "null"
            ],
            "description": "null when the value is not per phase."
          },
          "location": {
            "type": "string",
            "example": "Outlet"
          },
          "context": {
            "type": "string",
            "example": "Sample.Periodic"
          },
          "unit": {
            "type": "string",
            "description": "The unit as sent.",
            "example": "kWh"
          },
          "value": {
            "type": "string",
            "description": "The value exactly as sent."
          },
          "canonical_unit": {
            "type": "string",
            "example": "Wh"
          },
          "canonical_value": {
            "type": "number"
          },
          "signed_data": {
            "type": [
              "string",
              "null"
            ]
          },
          "flags": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Data-quality markers, e.g. `unparseable_value`."
          }
        },
        "required": [
          "timestamp",
          "measurand",
          "phase",
          "location",
          "context",
          "unit",
          "value",
          "canonical_unit",
          "canonical_value",
          "signed_data",
          "flags"
        ]
      },
      "TransactionPage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Transaction"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as `cursor` for the next page; null on the last page."
          }
        },
        "required": [
          "items",
          "next_cursor"
        ]
      },
      "CommandName": {
        "type": "string",
        "enum": [
          "remote-start",
          "remote-stop",
          "reset",
          "unlock",
          "change-availability",
          "get-configuration",
          "set-configuration",
          "trigger-message",
          "clear-cache",
          "data-transfer",
          "install-certificate",
          "get-installed-certificate-ids",
          "delete-certificate",
          "renew-certificate",
          "reserve",
          "cancel-reservation",
          "send-local-list",
          "get-local-list-version",
          "update-firmware",
          "get-diagnostics",
          "set-charging-profile",
          "clear-charging-profile",
          "get-composite-schedule",
          "get-transaction-status",
          "customer-information",
          "set-display-message",
          "get-display-messages",
          "clear-display-message",
          "get-base-report",
          "get-report",
          "get-monitoring-report",
          "set-variable-monitoring",
          "clear-variable-monitoring",
          "set-monitoring-base",
          "set-monitoring-level",
          "get-charging-profiles"
        ]
      },
      "CommandAnswer": {
        "type": "object",
        "properties": {
          "status": {
            "type": "string",
            "description": "The status in the charger's reply (for 2.0.1 GetVariables/SetVariables the first result's attributeStatus; `Accepted` when the reply has none).",
            "example": "Accepted"
          },
          "response": {
            "type": "object",
            "description": "The charger's full reply, in its OCPP version's own shape."
          }
        },
        "required": [
          "status",
          "response"
        ]
      },
      "RemoteStartCommand": {
        "title": "remote-start",
        "type": "object",
        "description": "RemoteStartTransaction (1.6) / RequestStartTransaction (2.0.1).",
        "properties": {
          "id_token": {
            "type": "string"
          },
          "evse_id": {
            "type": "integer",
            "description": "The EVSE (1.6: the connector id)."
          },
          "connector_id": {
            "type": "integer",
            "description": "Accepted; neither version's request carries it."
          },
          "charging_profile": {
            "type": "object",
            "description": "Passed through as the request's chargingProfile, in the charger's OCPP version's shape."
          }
        },
        "required": [
          "id_token"
        ]
      },
      "RemoteStopCommand": {
        "title": "remote-stop",
        "type": "object",
        "description": "RemoteStopTransaction (1.6) / RequestStopTransaction (2.0.1).",
        "properties": {
          "transaction_id": {
            "type": [
              "string",
              "integer"
            ],
            "description": "Our transaction id or the charger's (`ocpp_transaction_id`); sent as is when we do not know it."
          }
        },
        "required": [
          "transaction_id"
        ]
      },
      "ResetCommand": {
        "title": "reset",
        "type": "object",
        "description": "Reset; 2.0.1 sends Hard as Immediate and Soft as OnIdle.",
        "properties": {
          "type": {
            "type": "string",
            "enum": [
              "Soft",
              "Hard"
            ]
          },
          "evse_id": {
            "type": "integer",
            "description": "2.0.1 only: reset one EVSE."
          }
        },
        "required": [
          "type"
        ]
      },
      "UnlockCommand": {
        "title": "unlock",
        "type": "object",
        "description": "UnlockConnector.",
        "properties": {
          "evse_id": {
            "type": "integer",
            "description": "The EVSE (1.6: the connector id)."
          },
          "connector_id": {
            "type": "integer",
            "description": "2.0.1 only; default 1."
          }
        },
        "required": [
          "evse_id"
        ]
      },
      "ChangeAvailabilityCommand": {
        "title": "change-availability",
        "type": "object",
        "description": "ChangeAvailability; without `evse_id` the whole station.",
        "properties": {
          "operative": {
            "type": "boolean"
          },
          "evse_id": {
            "type": "integer",
            "description": "The EVSE (1.6: the connector id; 0 or absent is the station)."
          },
          "connector_id": {
            "type": "integer",
            "description": "2.0.1 only, together with `evse_id`."
          }
        },
        "required": [
          "operative"
        ]
      },
      "GetConfigurationCommand": {
        "title": "get-configuration",
        "type": "object",
        "description": "GetConfiguration (1.6) / GetVariables (2.0.1). Without keys, 1.6 returns every key and 2.0.1 is sent GetBaseReport ConfigurationInventory.",
        "properties": {
          "keys": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "1.6 key names, or 2.0.1 `Component.Variable[.Instance]`.",
            "example": [
              "HeartbeatInterval"
            ]
          }
        }
      },
      "SetConfigurationCommand": {
        "title": "set-configuration",
        "type": "object",
        "description": "ChangeConfiguration (1.6) / SetVariables (2.0.1).",
        "properties": {
          "key": {
            "type": "string",
            "description": "A 1.6 key, or 2.0.1 `Component.Variable[.Instance]`.",
            "example": "OCPPCommCtrlr.HeartbeatInterval"
          },
          "value": {
            "description": "Sent as is when a string, otherwise as its JSON text."
          }
        },
        "required": [
          "key",
          "value"
        ]
      },
      "TriggerMessageCommand": {
        "title": "trigger-message",
        "type": "object",
        "description": "TriggerMessage.",
        "properties": {
          "message": {
            "type": "string",
            "description": "The requested message as the charger's OCPP version names it, e.g. BootNotification, Heartbeat, StatusNotification, MeterValues.",
            "example": "StatusNotification"
          },
          "evse_id": {
            "type": "integer",
            "description": "The EVSE (1.6: the connector id)."
          }
        },
        "required": [
          "message"
        ]
      },
      "ClearCacheCommand": {
        "title": "clear-cache",
        "type": "object",
        "description": "ClearCache; the body is empty (`{}`) or omitted."
      },
      "DataTransferCommand": {
        "title": "data-transfer",
        "type": "object",
        "description": "DataTransfer.",
        "properties": {
          "vendor_id": {
            "type": "string"
          },
          "message_id": {
            "type": "string"
          },
          "data": {
            "description": "Any JSON value; 1.6 sends a non-string as its JSON text."
          }
        },
        "required": [
          "vendor_id"
        ]
      },
      "StationReport": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "station_id": {
            "type": "string"
          },
          "kind": {
            "type": "string",
            "description": "The OCPP action, e.g. NotifyEvent, SecurityEventNotification, FirmwareStatusNotification, DataTransfer."
          },
          "reported_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "received_at": {
            "type": "string",
            "format": "date-time"
          },
          "message_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "flags": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Plausibility flags recorded with the row (see README)."
          },
          "payload": {
            "description": "The message payload exactly as the station sent it (after leniency fixes)."
          }
        }
      },
      "StatusChange": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "evse_id": {
            "type": "integer"
          },
          "connector_id": {
            "type": "integer"
          },
          "status": {
            "type": "string"
          },
          "error_code": {
            "type": [
              "string",
              "null"
            ]
          },
          "info": {
            "type": [
              "string",
              "null"
            ]
          },
          "vendor_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "vendor_error_code": {
            "type": [
              "string",
              "null"
            ]
          },
          "status_at": {
            "type": "string",
            "format": "date-time"
          },
          "received_at": {
            "type": "string",
            "format": "date-time"
          },
          "flags": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Plausibility flags recorded with the row (see README)."
          }
        }
      },
      "StationReportPage": {
        "type": "object",
        "required": [
          "items",
          "next_cursor"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StationReport"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as `cursor` for the next page; null on the last page."
          }
        }
      },
      "StatusChangePage": {
        "type": "object",
        "required": [
          "items",
          "next_cursor"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StatusChange"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as `cursor` for the next page; null on the last page."
          }
        }
      },
      "Alert": {
        "type": "object",
        "required": [
          "id",
          "rule",
          "severity",
          "state",
          "station_id",
          "evse_id",
          "connector_id",
          "opened_at",
          "details"
        ],
        "properties": {
          "id": {
            "type": "integer"
          },
          "rule": {
            "type": "string",
            "description": "The rule that raised it (see /api/v1/fault-rules)."
          },
          "severity": {
            "type": "string",
            "enum": [
              "info",
              "warning",
              "critical"
            ]
          },
          "state": {
            "type": "string",
            "enum": [
              "open",
              "acknowledged",
              "resolved"
            ]
          },
          "station_id": {
            "type": "string"
          },
          "evse_id": {
            "type": "integer",
            "description": "0 for station-wide alerts."
          },
          "connector_id": {
            "type": "integer",
            "description": "0 for station- or EVSE-wide alerts."
          },
          "opened_at": {
            "type": "string",
            "format": "date-time"
          },
          "last_seen_at": {
            "type": "string",
            "format": "date-time",
            "description": "The latest repeat of the condition."
          },
          "occurrences": {
            "type": "integer",
            "description": "How often the condition was seen while the alert was active."
          },
          "acknowledged_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "acknowledged_by": {
            "type": [
              "string",
              "null"
            ]
          },
          "resolved_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "resolved_by": {
            "type": [
              "string",
              "null"
            ],
            "description": "`system` when the rule cleared it, else the operator."
          },
          "resolution_note": {
            "type": [
              "string",
              "null"
            ]
          },
          "details": {
            "type": "object",
            "description": "Rule-specific facts, snake_case keys with units (e.g. voltage_v, power_w); `cleared` holds what cleared it."
          },
          "actions": {
            "type": "array",
            "items": {
              "type": "object"
            },
            "description": "Remediation performed (command, request, the charger's outcome)."
          }
        }
      },
      "AlertPage": {
        "type": "object",
        "required": [
          "items",
          "next_cursor"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Alert"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "FaultRule": {
        "type": "object",
        "required": [
          "name",
          "enabled",
          "severity",
          "params",
          "overrides"
        ],
        "properties": {
          "name": {
            "type": "string",
            "enum": [
              "connector_faulted",
              "connector_error",
              "station_offline",
              "reboot_loop",
              "voltage_out_of_range",
              "voltage_drop",
              "under_delivery",
              "zero_power",
              "over_temperature",
              "overcurrent",
              "meter_regression",
              "meter_jump",
              "stuck_transaction",
              "failed_starts",
              "charger_reported"
            ]
          },
          "enabled": {
            "type": "boolean"
          },
          "severity": {
            "type": "string",
            "enum": [
              "info",
              "warning",
              "critical"
            ]
          },
          "params": {
            "type": "object",
            "description": "Thresholds, snake_case with their unit in the name (grace_s, duration_s, ratio, max_c, tolerance_percent, ...)."
          },
          "overrides": {
            "type": "object",
            "additionalProperties": {
              "type": "object"
            },
            "description": "Per station id: params that replace the defaults for that station."
          }
        }
      },
      "FaultRulePatch": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "enabled": {
            "type": "boolean"
          },
          "severity": {
            "type": "string",
            "enum": [
              "info",
              "warning",
              "critical"
            ]
          },
          "params": {
            "type": "object",
            "description": "Merged into the rule's params; each must be a known parameter of the rule's type."
          },
          "overrides": {
            "type": "object",
            "additionalProperties": {
              "type": [
                "object",
                "null"
              ]
            },
            "description": "Per station: params merged into that station's override; null removes the override."
          }
        }
      },
      "AlertAction": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "by": {
            "type": "string",
            "maxLength": 100,
            "description": "Who acts; defaults to the token's role."
          },
          "note": {
            "type": "string",
            "maxLength": 2000
          }
        }
      },
      "PriceComponent": {
        "type": "object",
        "required": [
          "type",
          "price"
        ],
        "properties": {
          "type": {
            "type": "string",
            "enum": [
              "ENERGY",
              "TIME",
              "PARKING_TIME",
              "FLAT"
            ]
          },
          "price": {
            "type": [
              "string",
              "number"
            ],
            "description": "Excl. VAT: per kWh (ENERGY), per hour (TIME, PARKING_TIME), once (FLAT)."
          },
          "step_size": {
            "type": "integer",
            "minimum": 1,
            "description": "Wh (ENERGY) or seconds (TIME, PARKING_TIME): the session's total is rounded up to a multiple, the extra billed at the price of the dimension's last period."
          },
          "grace_s": {
            "type": "integer",
            "minimum": 0,
            "description": "PARKING_TIME only (beyond OCPI): parking seconds that are free before it applies."
          }
        }
      },
      "TariffRestrictions": {
        "type": "object",
        "properties": {
          "start_time": {
            "type": "string",
            "pattern": "^[0-2][0-9]:[0-5][0-9]$",
            "description": "Local time of the station, inclusive; may wrap midnight with end_time."
          },
          "end_time": {
            "type": "string"
          },
          "start_date": {
            "type": "string",
            "format": "date"
          },
          "end_date": {
            "type": "string",
            "format": "date"
          },
          "day_of_week": {
            "type": "array",
            "items": {
              "type": "string",
              "enum": [
                "MONDAY",
                "TUESDAY",
                "WEDNESDAY",
                "THURSDAY",
                "FRIDAY",
                "SATURDAY",
                "SUNDAY"
              ]
            }
          },
          "min_kwh": {
            "type": [
              "string",
              "number"
            ],
            "description": "A decimal; strings keep it exact (e.g. \"0.30\")."
          },
          "max_kwh": {
            "type": [
              "string",
              "number"
            ],
            "description": "A decimal; strings keep it exact (e.g. \"0.30\")."
          },
          "min_power": {
            "type": [
              "string",
              "number"
            ],
            "description": "kW, average power of the interval."
          },
          "max_power": {
            "type": [
              "string",
              "number"
            ],
            "description": "A decimal; strings keep it exact (e.g. \"0.30\")."
          },
          "min_current": {
            "type": [
              "string",
              "number"
            ],
            "description": "A decimal; strings keep it exact (e.g. \"0.30\")."
          },
          "max_current": {
            "type": [
              "string",
              "number"
            ],
            "description": "A decimal; strings keep it exact (e.g. \"0.30\")."
          },
          "min_duration": {
            "type": "integer",
            "description": "Seconds since the session started."
          },
          "max_duration": {
            "type": "integer"
          }
        }
      },
      "TariffElement": {
        "type": "object",
        "required": [
          "price_components"
        ],
        "properties": {
          "price_components": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PriceComponent"
            }
          },
          "restrictions": {
            "$ref": "#/components/schemas/TariffRestrictions"
          }
        }
      },
      "Tariff": {
        "type": "object",
        "required": [
          "id",
          "currency",
          "vat_percent",
          "elements"
        ],
        "description": "OCPI 2.2.1 tariff. For each dimension at each moment the first element whose restrictions all hold and that has a component of that dimension prices it.",
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 36
          },
          "version": {
            "type": "integer",
            "readOnly": true,
            "description": "Every change adds a version; a session is priced with the version in force when it started."
          },
          "currency": {
            "type": "string",
            "pattern": "^[A-Z]{3}$"
          },
          "vat_percent": {
            "type": [
              "string",
              "number"
            ],
            "description": "A decimal; strings keep it exact (e.g. \"0.30\")."
          },
          "min_price": {
            "type": [
              "string",
              "number"
            ],
            "description": "Excl. VAT."
          },
          "max_price": {
            "type": [
              "string",
              "number"
            ],
            "description": "Excl. VAT."
          },
          "is_default": {
            "type": "boolean",
            "description": "Prices stations without a tariff_id. One tariff is the default."
          },
          "start_date_time": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "OCPI 2.2.1: this version prices sessions that start at or after this time (RFC 3339 with an offset). Unset: from when the version was saved. It may lie in the past: a tariff created today valid from the 1st prices the sessions since the 1st that are priced after it is saved (see :reprice)."
          },
          "end_date_time": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time",
            "description": "OCPI 2.2.1: sessions that start at or after this time are not priced by this version (must be after start_date_time)."
          },
          "elements": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TariffElement"
            }
          },
          "last_updated": {
            "type": "string",
            "format": "date-time",
            "readOnly": true
          }
        }
      },
      "Plan": {
        "type": "object",
        "required": [
          "id",
          "currency",
          "monthly_fee"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 36
          },
          "name": {
            "type": "string"
          },
          "currency": {
            "type": "string",
            "pattern": "^[A-Z]{3}$"
          },
          "monthly_fee": {
            "type": [
              "string",
              "number"
            ],
            "description": "Per month, excl. VAT."
          },
          "included_energy_wh": {
            "type": "integer",
            "minimum": 0,
            "description": "Energy per month included in the fee, used up by the month's sessions in chronological order."
          },
          "discount_percent": {
            "type": [
              "string",
              "number"
            ],
            "description": "Discount on energy beyond the included amount."
          },
          "tariff_id": {
            "type": [
              "string",
              "null"
            ],
            "description": "A tariff that replaces the station tariff for members."
          }
        }
      },
      "Customer": {
        "type": "object",
        "required": [
          "id"
        ],
        "properties": {
          "id": {
            "type": "string",
            "maxLength": 100
          },
          "name": {
            "type": [
              "string",
              "null"
            ]
          },
          "email": {
            "type": [
              "string",
              "null"
            ]
          },
          "time_zone": {
            "type": "string",
            "description": "IANA zone; invoices count months in it."
          },
          "plan_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "id_tokens": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "readOnly": true,
            "description": "The customer's first 100 id tokens by token (all of them: GET /api/v1/id-tokens?customer=)."
          },
          "created_at": {
            "type": "string",
            "format": "date-time",
            "readOnly": true
          },
          "id_token_count": {
            "type": "integer",
            "description": "How many id tokens the customer has."
          }
        }
      },
      "CustomerPage": {
        "type": "object",
        "required": [
          "items",
          "next_cursor"
        ],
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Customer"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "Report_utilization": {
        "type": "object",
        "properties": {
          "report": {
            "const": "utilization"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "station_id": {
                  "type": "string"
                },
                "evse_id": {
                  "type": "integer"
                },
                "connector": {
                  "type": "integer"
                },
                "bucket_start": {
                  "type": "string",
                  "description": "RFC 3339 with the station's local offset, e.g. 2026-03-29T03:00:00+02:00"
                },
                "period_s": {
                  "type": "integer"
                },
                "occupied_s": {
                  "type": "integer"
                },
                "charging_s": {
                  "type": "integer"
                },
                "utilization_percent": {
                  "type": "number"
                },
                "charging_percent": {
                  "type": "number"
                },
                "sessions": {
                  "type": "integer"
                }
              },
              "required": [
                "station_id",
                "evse_id",
                "connector",
                "bucket_start",
                "period_s",
                "occupied_s",
                "charging_s",
                "utilization_percent",
                "charging_percent",
                "sessions"
              ]
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "Report_energy": {
        "type": "object",
        "properties": {
          "report": {
            "const": "energy"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "station_id": {
                  "type": "string"
                },
                "bucket_start": {
                  "type": "string",
                  "description": "RFC 3339 with the station's local offset, e.g. 2026-03-29T03:00:00+02:00"
                },
                "energy_wh": {
                  "type": "integer"
                },
                "sessions": {
                  "type": "integer"
                }
              },
              "required": [
                "station_id",
                "bucket_start",
                "energy_wh",
                "sessions"
              ]
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "Report_uptime": {
        "type": "object",
        "properties": {
          "report": {
            "const": "uptime"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "station_id": {
                  "type": "string"
                },
                "bucket_start": {
                  "type": "string",
                  "description": "RFC 3339 with the station's local offset, e.g. 2026-03-29T03:00:00+02:00"
                },
                "period_s": {
                  "type": "integer"
                },
                "connectors": {
                  "type": "integer"
                },
                "downtime_s": {
                  "type": "integer"
                },
                "excused_downtime_s": {
                  "type": "integer"
                },
                "offline_s": {
                  "type": "integer"
                },
                "uptime_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "below_threshold": {
                  "type": "boolean"
                }
              },
              "required": [
                "station_id",
                "bucket_start",
                "period_s",
                "connectors",
                "downtime_s",
                "excused_downtime_s",
                "offline_s",
                "uptime_percent",
                "below_threshold"
              ]
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "Report_peak_hours": {
        "type": "object",
        "properties": {
          "report": {
            "const": "peak-hours"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "weekday": {
                  "type": "integer"
                },
                "hour": {
                  "type": "integer"
                },
                "sessions_started": {
                  "type": "integer"
                },
                "avg_occupancy_percent": {
                  "type": "number"
                },
                "energy_wh": {
                  "type": "integer"
                }
              },
              "required": [
                "weekday",
                "hour",
                "sessions_started",
                "avg_occupancy_percent",
                "energy_wh"
              ]
            }
          },
          "peaks": {
            "type": "array",
            "items": {
              "type": "object"
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "Report_revenue": {
        "type": "object",
        "properties": {
          "report": {
            "const": "revenue"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "station_id": {
                  "type": "string"
                },
                "bucket_start": {
                  "type": "string",
                  "description": "RFC 3339 with the station's local offset, e.g. 2026-03-29T03:00:00+02:00"
                },
                "tariff_id": {
                  "type": "string"
                },
                "currency": {
                  "type": "string"
                },
                "sessions": {
                  "type": "integer"
                },
                "revenue_excl_vat": {
                  "type": "string"
                },
                "revenue_incl_vat": {
                  "type": "string"
                },
                "energy_wh": {
                  "type": "integer"
                }
              },
              "required": [
                "station_id",
                "bucket_start",
                "tariff_id",
                "currency",
                "sessions",
                "revenue_excl_vat",
                "revenue_incl_vat",
                "energy_wh"
              ]
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "Report_sessions": {
        "type": "object",
        "properties": {
          "report": {
            "const": "sessions"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "station_id": {
                  "type": "string"
                },
                "sessions": {
                  "type": "integer"
                },
                "duration_p50_s": {
                  "type": "integer"
                },
                "duration_p90_s": {
                  "type": "integer"
                },
                "duration_max_s": {
                  "type": "integer"
                },
                "energy_p50_wh": {
                  "type": "integer"
                },
                "energy_p90_wh": {
                  "type": "integer"
                },
                "energy_max_wh": {
                  "type": "integer"
                },
                "idle_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "unique_id_tokens": {
                  "type": "integer"
                },
                "unique_customers": {
                  "type": "integer"
                },
                "repeat_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                }
              },
              "required": [
                "station_id",
                "sessions",
                "duration_p50_s",
                "duration_p90_s",
                "duration_max_s",
                "energy_p50_wh",
                "energy_p90_wh",
                "energy_max_wh",
                "idle_percent",
                "unique_id_tokens",
                "unique_customers",
                "repeat_percent"
              ]
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "Report_faults": {
        "type": "object",
        "properties": {
          "report": {
            "const": "faults"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "station_id": {
                  "type": "string"
                },
                "rule": {
                  "type": "string"
                },
                "alerts": {
                  "type": "integer"
                },
                "resolved": {
                  "type": "integer"
                },
                "mttr_s": {
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "mtbf_s": {
                  "type": "integer"
                }
              },
              "required": [
                "station_id",
                "rule",
                "alerts",
                "resolved",
                "mttr_s",
                "mtbf_s"
              ]
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "MaintenanceWindow": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "station_id": {
            "type": "string"
          },
          "evse_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "starts_at": {
            "type": "string",
            "format": "date-time"
          },
          "ends_at": {
            "type": "string",
            "format": "date-time"
          },
          "reason": {
            "type": [
              "string",
              "null"
            ]
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "id",
          "station_id",
          "evse_id",
          "starts_at",
          "ends_at"
        ]
      },
      "Report_expansion": {
        "type": "object",
        "properties": {
          "report": {
            "const": "expansion"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "level": {
                  "enum": [
                    "station",
                    "site"
                  ]
                },
                "station_id": {
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "site": {
                  "type": "string"
                },
                "connectors": {
                  "type": "integer"
                },
                "sessions": {
                  "type": "integer"
                },
                "energy_wh": {
                  "type": "integer"
                },
                "occupancy_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "busiest_hour": {
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "busiest_hour_occupancy_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "saturation_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "sessions_growth_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "energy_growth_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "rank_busiest_hour": {
                  "type": "integer"
                },
                "rank_saturation": {
                  "type": "integer"
                },
                "needs_capacity": {
                  "type": "boolean"
                },
                "under_used": {
                  "type": "boolean"
                }
              },
              "required": [
                "level",
                "station_id",
                "site",
                "connectors",
                "sessions",
                "energy_wh",
                "occupancy_percent",
                "busiest_hour",
                "busiest_hour_occupancy_percent",
                "saturation_percent",
                "sessions_growth_percent",
                "energy_growth_percent",
                "rank_busiest_hour",
                "rank_saturation",
                "needs_capacity",
                "under_used"
              ]
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "Report_maintenance": {
        "type": "object",
        "properties": {
          "report": {
            "const": "maintenance"
          },
          "from": {
            "type": "string",
            "format": "date-time"
          },
          "to": {
            "type": "string",
            "format": "date-time"
          },
          "bucket": {
            "type": "string"
          },
          "rows": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "station_id": {
                  "type": "string"
                },
                "candidate": {
                  "type": "boolean"
                },
                "reasons": {
                  "type": "string"
                },
                "recent_alerts_per_week": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "baseline_alerts_per_week": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "recent_failed_start_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "baseline_failed_start_percent": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "recent_avg_power_kw": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "baseline_avg_power_kw": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "recent_sessions": {
                  "type": "integer"
                }
              },
              "required": [
                "station_id",
                "candidate",
                "reasons",
                "recent_alerts_per_week",
                "baseline_alerts_per_week",
                "recent_failed_start_percent",
                "baseline_failed_start_percent",
                "recent_avg_power_kw",
                "baseline_avg_power_kw",
                "recent_sessions"
              ]
            }
          }
        },
        "required": [
          "report",
          "from",
          "to",
          "bucket",
          "rows"
        ]
      },
      "Invoice": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "number": {
            "type": "string",
            "pattern": "^INV-[0-9]{4}-[0-9]{6}$"
          },
          "status": {
            "const": "issued"
          },
          "issued_at": {
            "type": "string",
            "format": "date-time"
          },
          "customer_id": {
            "type": "string"
          },
          "customer_name": {
            "type": "string"
          },
          "period": {
            "type": "object",
            "properties": {
              "month": {
                "type": "string"
              },
              "time_zone": {
                "type": "string"
              },
              "from": {
                "type": "string",
                "format": "date-time"
              },
              "to": {
                "type": "string",
                "format": "date-time"
              }
            }
          },
          "currency": {
            "type": "string"
          },
          "plan": {
            "type": [
              "object",
              "null"
            ]
          },
          "items": {
            "type": "array",
            "items": {
              "type": "object",
              "description": "kind plan_fee (description, total_excl_vat, vat_percent) or session (transaction_id, station_id, id_token, started_at, stopped_at, energy_wh, tariff_id, tariff_version, lines with the plan applied: basis TARIFF, PLAN_INCLUDED or PLAN_DISCOUNTED, total_excl_vat, vat_percent, flags)"
            }
          },
          "vat": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "vat_percent": {
                  "type": "string"
                },
                "base_excl_vat": {
                  "type": "string"
                },
                "vat": {
                  "type": "string"
                }
              }
            }
          },
          "total_excl_vat": {
            "type": "string"
          },
          "total_vat": {
            "type": "string"
          },
          "total_incl_vat": {
            "type": "string"
          },
          "excluded_sessions": {
            "type": "array"
          }
        },
        "required": [
          "id",
          "number",
          "customer_id",
          "period",
          "currency",
          "items",
          "vat",
          "total_excl_vat",
          "total_vat",
          "total_incl_vat"
        ]
      },
      "InstallCertificateCommand": {
        "type": "object",
        "title": "install-certificate",
        "properties": {
          "certificate_type": {
            "type": "string",
            "enum": [
              "CSMSRootCertificate",
              "ManufacturerRootCertificate",
              "V2GRootCertificate",
              "MORootCertificate"
            ]
          },
          "certificate": {
            "type": "string",
            "description": "PEM"
          }
        },
        "required": [
          "certificate_type",
          "certificate"
        ]
      },
      "GetInstalledCertificateIdsCommand": {
        "type": "object",
        "title": "get-installed-certificate-ids",
        "properties": {
          "certificate_type": {
            "oneOf": [
              {
                "type": "string"
              },
              {
                "type": "array",
                "items": {
                  "type": "string"
                }
              }
            ]
          }
        },
        "required": []
      },
      "DeleteCertificateCommand": {
        "type": "object",
        "title": "delete-certificate",
        "properties": {
          "hash_algorithm": {
            "type": "string"
          },
          "issuer_name_hash": {
            "type": "string"
          },
          "issuer_key_hash": {
            "type": "string"
          },
          "serial_number": {
            "type": "string"
          }
        },
        "required": [
          "hash_algorithm",
          "issuer_name_hash",
          "issuer_key_hash",
          "serial_number"
        ]
      },
      "RenewCertificateCommand": {
        "type": "object",
        "title": "renew-certificate",
        "properties": {},
        "required": []
      },
      "StationCertificate": {
        "type": "object",
        "properties": {
          "station_id": {
            "type": [
              "string",
              "null"
            ]
          },
          "serial": {
            "type": [
              "string",
              "null"
            ]
          },
          "subject_cn": {
            "type": [
              "string",
              "null"
            ]
          },
          "subject_o": {
            "type": [
              "string",
              "null"
            ]
          },
          "issuer_cn": {
            "type": [
              "string",
              "null"
            ]
          },
          "not_before": {
            "type": [
              "string",
              "null"
            ]
          },
          "not_after": {
            "type": [
              "string",
              "null"
            ]
          },
          "fingerprint_sha256": {
            "type": [
              "string",
              "null"
            ]
          },
          "first_seen_at": {
            "type": [
              "string",
              "null"
            ]
          },
          "last_seen_at": {
            "type": [
              "string",
              "null"
            ]
          },
          "revoked_at": {
            "type": [
              "string",
              "null"
            ]
          },
          "revoked_reason": {
            "type": [
              "string",
              "null"
            ]
          },
          "pem": {
            "type": [
              "string",
              "null"
            ]
          },
          "source": {
            "type": "string",
            "enum": [
              "connected",
              "signed",
              "revoked"
            ]
          }
        }
      },
      "AuditEntry": {
        "type": "object",
        "description": "One REST call that changed something or sent a command.",
        "properties": {
          "id": {
            "type": "integer"
          },
          "at": {
            "type": "string",
            "format": "date-time"
          },
          "actor": {
            "type": "string"
          },
          "role": {
            "type": "string",
            "enum": [
              "admin",
              "operator",
              "viewer"
            ]
          },
          "method": {
            "type": "string"
          },
          "path": {
            "type": "string"
          },
          "target": {
            "type": [
              "string",
              "null"
            ]
          },
          "action": {
            "type": [
              "string",
              "null"
            ]
          },
          "body": {
            "description": "The request body as sent, secrets replaced; null without one."
          },
          "status": {
            "type": "integer"
          },
          "detail": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "required": [
          "id",
          "at",
          "actor",
          "role",
          "method",
          "path",
          "target",
          "action",
          "body",
          "status",
          "detail"
        ]
      },
      "AuditPage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AuditEntry"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "required": [
          "items",
          "next_cursor"
        ]
      },
      "Reservation": {
        "type": "object",
        "description": "A reservation of a station (an EVSE, or any) for an id token until `expires_at`. Its `id` is the OCPP reservationId.",
        "properties": {
          "id": {
            "type": "integer"
          },
          "station_id": {
            "type": "string"
          },
          "evse_id": {
            "type": "integer",
            "description": "0: any EVSE (1.6 connectorId 0)."
          },
          "id_token": {
            "type": "string"
          },
          "group_id_token": {
            "type": [
              "string",
              "null"
            ]
          },
          "expires_at": {
            "type": "string",
            "format": "date-time"
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "active",
              "rejected",
              "failed",
              "used",
              "cancelled",
              "removed",
              "expired"
            ],
            "description": "pending: sent, not answered; active: accepted; rejected: the station answered otherwise (`station_status`); failed: offline, an error or no answer; used: a transaction named it (`transaction_id`); cancelled; removed / expired: the station said so (2.0.1 ReservationStatusUpdate), or an active one is past `expires_at`."
          },
          "station_status": {
            "type": [
              "string",
              "null"
            ],
            "description": "The station's answer to ReserveNow (Accepted, Faulted, Occupied, Rejected, Unavailable)."
          },
          "transaction_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "id",
          "station_id",
          "evse_id",
          "id_token",
          "group_id_token",
          "expires_at",
          "state",
          "station_status",
          "transaction_id",
          "created_at",
          "updated_at"
        ]
      },
      "ReservationInput": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "station_id",
          "id_token",
          "expires_at"
        ],
        "properties": {
          "station_id": {
            "type": "string"
          },
          "evse_id": {
            "type": "integer",
            "minimum": 0,
            "maximum": 1000,
            "description": "0 or absent: any EVSE."
          },
          "id_token": {
            "type": "string",
            "maxLength": 36
          },
          "id_token_type": {
            "type": "string",
            "enum": [
              "Central",
              "eMAID",
              "ISO14443",
              "ISO15693",
              "KeyCode",
              "Local",
              "MacAddress",
              "NoAuthorization"
            ],
            "description": "2.0.1 only; default ISO14443 (a card)."
          },
          "group_id_token": {
            "type": "string",
            "maxLength": 36,
            "description": "1.6 parentIdTag, 2.0.1 groupIdToken."
          },
          "expires_at": {
            "type": "string",
            "format": "date-time",
            "description": "RFC 3339 with an offset, in the future."
          }
        }
      },
      "ReservationPage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Reservation"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        },
        "required": [
          "items",
          "next_cursor"
        ]
      },
      "StationVariable": {
        "type": "object",
        "properties": {
          "component": {
            "type": "string"
          },
          "component_instance": {
            "type": [
              "string",
              "null"
            ]
          },
          "evse_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "connector_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "variable": {
            "type": "string"
          },
          "variable_instance": {
            "type": [
              "string",
              "null"
            ]
          },
          "attribute_type": {
            "type": "string",
            "enum": [
              "Actual",
              "Target",
              "MinSet",
              "MaxSet"
            ]
          },
          "value": {
            "type": [
              "string",
              "null"
            ]
          },
          "mutability": {
            "type": [
              "string",
              "null"
            ]
          },
          "persistent": {
            "type": [
              "boolean",
              "null"
            ]
          },
          "constant": {
            "type": [
              "boolean",
              "null"
            ]
          },
          "characteristics": {
            "description": "2.0.1 variableCharacteristics as reported (unit, dataType, limits, valuesList), or null."
          },
          "source": {
            "type": "string",
            "enum": [
              "NotifyReport",
              "GetVariables",
              "SetVariables",
              "GetConfiguration",
              "ChangeConfiguration"
            ]
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          }
        },
        "required": [
          "component",
          "variable",
          "attribute_type",
          "value",
          "source",
          "updated_at"
        ]
      },
      "FirmwareImage": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "version": {
            "type": "string"
          },
          "file_name": {
            "type": "string"
          },
          "vendor": {
            "type": [
              "string",
              "null"
            ]
          },
          "model": {
            "type": [
              "string",
              "null"
            ]
          },
          "signing_certificate": {
            "type": [
              "string",
              "null"
            ]
          },
          "signature": {
            "type": [
              "string",
              "null"
            ]
          },
          "sha256": {
            "type": [
              "string",
              "null"
            ],
            "description": "Of the uploaded bytes; null until they are uploaded."
          },
          "size_bytes": {
            "type": [
              "integer",
              "null"
            ]
          },
          "uploaded": {
            "type": "boolean"
          },
          "uploaded_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "FirmwareImageInput": {
        "type": "object",
        "required": [
          "version",
          "file_name"
        ],
        "additionalProperties": false,
        "properties": {
          "version": {
            "type": "string",
            "maxLength": 50,
            "description": "Unique."
          },
          "file_name": {
            "type": "string",
            "maxLength": 128,
            "pattern": "^[A-Za-z0-9_-][A-Za-z0-9._-]*$",
            "description": "The name the station sees at the end of its download URL."
          },
          "vendor": {
            "type": "string",
            "maxLength": 50
          },
          "model": {
            "type": "string",
            "maxLength": 50
          },
          "signing_certificate": {
            "type": "string",
            "maxLength": 5500,
            "description": "PEM; with `signature`, sent with the update (1.6 SignedUpdateFirmware, 2.0.1 UpdateFirmware)."
          },
          "signature": {
            "type": "string",
            "maxLength": 800,
            "description": "Base64."
          },
          "sha256": {
            "type": "string",
            "pattern": "^[0-9a-fA-F]{64}$",
            "description": "When given, the uploaded bytes must have this SHA-256 (else 422)."
          }
        }
      },
      "FirmwareImagePage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/FirmwareImage"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "FileTransfer": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer",
            "description": "The transfer's id."
          },
          "station_id": {
            "type": "string"
          },
          "kind": {
            "type": "string",
            "enum": [
              "firmware",
              "log"
            ],
            "description": "firmware: the station downloads an image; log: it uploads diagnostics or a log."
          },
          "firmware_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "request_id": {
            "type": [
              "integer",
              "null"
            ],
            "description": "The command's requestId (2.0.1, 1.6 security extension): the id plus 1,000,000,000, apart from the ids of the server's other calls."
          },
          "expires_at": {
            "type": "string",
            "format": "date-time",
            "description": "The URL works until then."
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "rejected",
              "failed_to_send",
              "accepted",
              "in_progress",
              "succeeded",
              "failed"
            ],
            "description": "pending: the command not yet answered; rejected: the station refused it; failed_to_send: offline, an error or no answer; accepted: taken, no status yet; in_progress: a status such as Downloading or Uploading came; succeeded: Installed or Uploaded; failed: a failure status (DownloadFailed, InstallationFailed, InvalidSignature, UploadFailed, ...). A late status never undoes succeeded or failed."
          },
          "status": {
            "type": [
              "string",
              "null"
            ],
            "description": "The station's last status as it spelt it."
          },
          "status_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "downloads": {
            "type": "integer",
            "description": "Times the image was fetched through the URL."
          },
          "file_name": {
            "type": [
              "string",
              "null"
            ],
            "description": "An upload: the name the station gave (letters, digits, '.', '-', '_' kept)."
          },
          "size_bytes": {
            "type": [
              "integer",
              "null"
            ]
          },
          "sha256": {
            "type": [
              "string",
              "null"
            ]
          },
          "received_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "created_by": {
            "type": [
              "string",
              "null"
            ],
            "description": "The API token's name."
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "FileTransferPage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/FileTransfer"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "JobInput": {
        "type": "object",
        "required": [
          "command"
        ],
        "additionalProperties": false,
        "properties": {
          "command": {
            "type": "string",
            "description": "A station command's name (as in `/stations/{id}/commands/{name}`), except remote-start, remote-stop, reserve, cancel-reservation and get-transaction-status."
          },
          "body": {
            "type": "object",
            "description": "The command's body, the same for every station (e.g. `{\"firmware_id\": 3}` for update-firmware: each station gets its own file transfer)."
          },
          "stations": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "minItems": 1,
            "maxItems": 100000,
            "description": "The stations, in the order the waves take them. 400 naming the unknown ones."
          },
          "filter": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "protocol": {
                "enum": [
                  "ocpp1.6",
                  "ocpp2.0.1"
                ]
              },
              "vendor": {
                "type": "string"
              },
              "model": {
                "type": "string"
              },
              "firmware_version": {
                "type": "string"
              },
              "online": {
                "type": "boolean"
              },
              "site": {
                "type": "string",
                "description": "The stations at this location (a station's `location`, else its name), as the analytics group sites."
              }
            },
            "description": "Instead of `stations`: every station matching all of these, at creation."
          },
          "concurrency": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "default": 10,
            "description": "Commands sent and not yet ended (file transfers under way included) at once."
          },
          "wave_size": {
            "type": "integer",
            "minimum": 1,
            "description": "Stations per wave; a wave starts once every station of the one before has an outcome (offline ones wait for their station or the deadline). Absent: one wave."
          },
          "max_failure_percent": {
            "type": "integer",
            "minimum": 0,
            "maximum": 100,
            "description": "A finished wave in which more than this share failed halts the job: its later stations are cancelled, never sent."
          },
          "max_attempts": {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 3,
            "description": "Sends to a station that does not answer in time (504/503); offline stations are not counted, they wait."
          },
          "deadline_s": {
            "type": "integer",
            "minimum": 60,
            "maximum": 7776000,
            "default": 604800,
            "description": "After this long, what is still open fails."
          }
        }
      },
      "Job": {
        "type": "object",
        "properties": {
          "id": {
            "type": "integer"
          },
          "command": {
            "type": "string"
          },
          "body": {
            "type": "object"
          },
          "state": {
            "enum": [
              "running",
              "completed",
              "halted",
              "cancelled"
            ]
          },
          "concurrency": {
            "type": "integer"
          },
          "wave_size": {
            "type": [
              "integer",
              "null"
            ]
          },
          "max_failure_percent": {
            "type": [
              "integer",
              "null"
            ]
          },
          "max_attempts": {
            "type": "integer"
          },
          "deadline": {
            "type": "string",
            "format": "date-time"
          },
          "detail": {
            "type": [
              "string",
              "null"
            ],
            "description": "Why it halted (e.g. `wave 1: 2 of 2 stations failed (more than 50%)`)."
          },
          "created_by": {
            "type": [
              "string",
              "null"
            ]
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          },
          "finished_at": {
            "type": [
              "string",
              "null"
            ],
            "format": "date-time"
          },
          "waves": {
            "type": "integer"
          },
          "stations": {
            "type": "integer"
          },
          "counts": {
            "type": [
              "object",
              "null"
            ],
            "additionalProperties": {
              "type": "integer"
            },
            "description": "Stations per state."
          },
          "progress": {
            "type": "number",
            "description": "Share of stations with an outcome (succeeded, failed, cancelled), 0 to 1."
          }
        }
      },
      "JobPage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Job"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "JobStation": {
        "type": "object",
        "properties": {
          "station_id": {
            "type": "string"
          },
          "wave": {
            "type": "integer",
            "description": "From 0."
          },
          "state": {
            "enum": [
              "pending",
              "sending",
              "waiting",
              "running",
              "succeeded",
              "failed",
              "cancelled"
            ],
            "description": "pending: to send; sending: sent, no answer yet; waiting: the station was offline, sent again once it connects; running: accepted, its file transfer under way; succeeded: Accepted (Unlocked, UpToDate, RebootRequired, Scheduled), or its transfer succeeded; failed: another answer, a CALLERROR, a refused request, the transfer failed, no answer after max_attempts, or the deadline passed; cancelled: never sent (cancel, or a halted rollout)."
          },
          "attempts": {
            "type": "integer"
          },
          "status": {
            "type": [
              "string",
              "null"
            ],
            "description": "The station's answer, or its transfer's last status."
          },
          "detail": {
            "type": [
              "string",
              "null"
            ]
          },
          "file_transfer_id": {
            "type": [
              "integer",
              "null"
            ]
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "JobStationPage": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/JobStation"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ]
          }
        }
      },
      "Site": {
        "type": "object",
        "description": "Stations behind one grid connection and how the load manager shares its limit. The limit is limit_a (A per phase) or limit_w (W over all phases, divided by voltage_v x phases). A session gets min_current_a or nothing (it waits: admission by the id token's charging_priority, then start time); sessions with EV needs (2.0.1 NotifyEVChargingNeeds: energy by departure) are raised towards them first; the rest is shared max-min fair (equal_share) or to the highest priority first (priority), in whole amps. fallback_current_a is the TxDefaultProfile every station of the site gets at boot (0: a new session waits for its own profile).",
        "properties": {
          "id": {
            "type": "string"
          },
          "name": {
            "type": [
              "string",
              "null"
            ]
          },
          "time_zone": {
            "type": "string"
          },
          "limit_a": {
            "type": [
              "number",
              "null"
            ]
          },
          "limit_w": {
            "type": [
              "number",
              "null"
            ]
          },
          "phases": {
            "type": "integer",
            "enum": [
              1,
              3
            ]
          },
          "voltage_v": {
            "type": "number"
          },
          "min_current_a": {
            "type": "number"
          },
          "fallback_current_a": {
            "type": "number"
          },
          "strategy": {
            "type": "string",
            "enum": [
              "equal_share",
              "priority"
            ]
          },
          "schedule": {
            "type": "array",
            "description": "Time-of-day limits in the site's zone; each lasts until the next (the last past midnight). A limit that drops applies 2 minutes early.",
            "items": {
              "type": "object",
              "properties": {
                "from": {
                  "type": "string",
                  "description": "HH:MM"
                },
                "limit_a": {
                  "type": "number"
                },
                "limit_w": {
                  "type": "number"
                }
              },
              "required": [
                "from"
              ]
            }
          },
          "load_management": {
            "type": "boolean"
          },
          "stations": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "created_at": {
            "type": "string",
            "format": "date-time"
          },
          "updated_at": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "SiteLoad": {
        "type": "object",
        "description": "What a site carries now. allocated_a: the plan's targets per phase; worst_case_a: what the sessions may draw until their stations answer (each at the higher of what its station holds and what was sent); measured_a: the sum of the sessions' latest current samples.",
        "properties": {
          "site_id": {
            "type": "string"
          },
          "load_management": {
            "type": "boolean"
          },
          "limit_a": {
            "type": "number"
          },
          "phases": {
            "type": "integer"
          },
          "allocated_a": {
            "type": "array",
            "items": {
              "type": "number"
            }
          },
          "worst_case_a": {
            "type": "array",
            "items": {
              "type": "number"
            }
          },
          "measured_a": {
            "type": "array",
            "items": {
              "type": "number"
            }
          },
          "sessions": {
            "type": "array",
            "items": {
              "type": "object",
              "properties": {
                "transaction_id": {
                  "type": "integer"
                },
                "station_id": {
                  "type": "string"
                },
                "evse_id": {
                  "type": "integer"
                },
                "phases": {
                  "type": "integer"
                },
                "phase": {
                  "type": [
                    "integer",
                    "null"
                  ]
                },
                "target_a": {
                  "type": "number"
                },
                "in_force_a": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "pending_a": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "measured_a": {
                  "type": [
                    "number",
                    "null"
                  ]
                },
                "controlled": {
                  "type": "boolean",
                  "description": "false: its station is offline or refused a profile (retried after 60 s); it counts at what it may draw"
                },
                "in_sync": {
                  "type": "boolean",
                  "description": "the station holds the target (no drift)"
                }
              }
            }
          }
        }
      },
      "ChargingProfile": {
        "type": "object",
        "description": "An operator's charging profile in one shape for both OCPP versions (the server writes 1.6 csChargingProfiles or 2.0.1 ChargingProfileType). 1.6's ChargePointMaxProfile is accepted as ChargingStationMaxProfile. ChargingStationExternalConstraints cannot be set (K01.FR.22). The id (below 900000000) is the OCPP chargingProfileId.",
        "required": [
          "station_id",
          "evse_id",
          "purpose",
          "stack_level",
          "kind",
          "schedule"
        ],
        "properties": {
          "id": {
            "type": "integer",
            "readOnly": true
          },
          "station_id": {
            "type": "string"
          },
          "evse_id": {
            "type": "integer",
            "description": "0: the station"
          },
          "purpose": {
            "type": "string",
            "enum": [
              "ChargingStationMaxProfile",
              "ChargePointMaxProfile",
              "TxDefaultProfile",
              "TxProfile",
              "ChargingStationExternalConstraints"
            ]
          },
          "stack_level": {
            "type": "integer",
            "minimum": 0
          },
          "kind": {
            "type": "string",
            "enum": [
              "Absolute",
              "Recurring",
              "Relative"
            ]
          },
          "recurrency": {
            "type": "string",
            "enum": [
              "Daily",
              "Weekly"
            ],
            "description": "with kind Recurring, and only then"
          },
          "valid_from": {
            "type": "string",
            "format": "date-time"
          },
          "valid_to": {
            "type": "string",
            "format": "date-time"
          },
          "transaction_id": {
            "type": "integer",
            "description": "ours; a TxProfile's running transaction on this EVSE (required for TxProfile, K01.FR.03)"
          },
          "schedule": {
            "type": "object",
            "required": [
              "charging_rate_unit",
              "periods"
            ],
            "properties": {
              "charging_rate_unit": {
                "type": "string",
                "enum": [
                  "A",
                  "W"
                ]
              },
              "start_schedule": {
                "type": "string",
                "format": "date-time",
                "description": "required for Absolute and Recurring, absent for Relative (K01.FR.40/41)"
              },
              "duration_s": {
                "type": "integer"
              },
              "min_charging_rate": {
                "type": "number"
              },
              "periods": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1024,
                "items": {
                  "type": "object",
                  "required": [
                    "start_s",
                    "limit"
                  ],
                  "properties": {
                    "start_s": {
                      "type": "integer",
                      "description": "the first is 0; increasing"
                    },
                    "limit": {
                      "type": "number"
                    },
                    "number_phases": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 3
                    },
                    "phase_to_use": {
                      "type": "integer",
                      "description": "2.0.1 only, with number_phases 1"
                    }
                  }
                }
              }
            }
          },
          "state": {
            "type": "string",
            "enum": [
              "pending",
              "installed",
              "rejected",
              "clearing",
              "cleared"
            ],
            "readOnly": true,
            "description": "pending: not yet accepted (offline or no answer: sent when the station connects); installed: the station accepted it; rejected; clearing: to be cleared when the station is reached; cleared"
          },
          "status": {
            "type": [
              "string",
              "null"
            ],
            "readOnly": true,
            "description": "the station's last answer or why there is none"
          },
          "created_by": {
            "type": [
              "string",
              "null"
            ],
            "readOnly": true
          },
          "created_at": {
            "type": "string",
            "format": "date-time",
            "readOnly": true
          },
          "updated_at": {
            "type": "string",
            "format": "date-time",
            "readOnly": true
          },
          "installed_at": {
            "type": [
              "string",
              "null"
            ],
            "readOnly": true
          },
          "source": {
            "type": "string",
            "enum": [
              "operator",
              "station"
            ],
            "readOnly": true,
            "description": "station: an external limit the station reported (2.0.1 NotifyChargingLimit), purpose ChargingStationExternalConstraints, read-only (DELETE 409); it ends with the station's ClearedChargingLimit of that source and caps the load manager's share for the station"
          },
          "limit_source": {
            "type": [
              "string",
              "null"
            ],
            "readOnly": true,
            "description": "a station's external limit: chargingLimitSource (EMS, Other, SO, CSO)"
          },
          "grid_critical": {
            "type": "boolean",
            "readOnly": true
          }
        }
      }
    }
  }
})openapi";
  return std::string_view(kDocument, sizeof kDocument - 1);
}

}  // namespace csms::api
