# The operator dashboard (web/): TypeScript + Vite, built at build time into
# ${CSMS_UI_OUT_DIR} and installed beside the binary (share/csms/ui), where csms serves it
# at /ui/. `npm ci` runs when web/package-lock.json changes; the build runs when a source,
# the configuration or the OpenAPI document (the REST types come from it) changes.
include(GNUInstallDirs)
option(CSMS_BUILD_UI "Build the operator dashboard (needs Node.js and npm)" ON)
set(CSMS_UI_OUT_DIR ${CMAKE_BINARY_DIR}/ui)
set(CSMS_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
if(CSMS_BUILD_UI)
  find_program(CSMS_NPM npm)
  if(NOT CSMS_NPM)
    message(FATAL_ERROR "npm is needed to build the dashboard: apt-get install nodejs npm, "
                        "or configure with -DCSMS_BUILD_UI=OFF (then /ui/ answers 404)")
  endif()
  set(stamp ${CSMS_WEB_DIR}/node_modules/.package-lock.json)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CSMS_NPM} ci --no-audit --no-fund --loglevel=error
    WORKING_DIRECTORY ${CSMS_WEB_DIR}
    DEPENDS ${CSMS_WEB_DIR}/package.json ${CSMS_WEB_DIR}/package-lock.json
    COMMENT "Installing the dashboard's npm packages")
  file(GLOB_RECURSE ui_sources CONFIGURE_DEPENDS ${CSMS_WEB_DIR}/src/*.ts ${CSMS_WEB_DIR}/src/*.css
       ${CSMS_WEB_DIR}/public/*)
  list(FILTER ui_sources EXCLUDE REGEX "(\\.test\\.ts|\\.d\\.ts|\\.gen\\.ts)$")
  file(GLOB ui_config CONFIGURE_DEPENDS ${CSMS_WEB_DIR}/*.ts ${CSMS_WEB_DIR}/*.json ${CSMS_WEB_DIR}/*.html
       ${CSMS_WEB_DIR}/scripts/*)
  list(FILTER ui_config EXCLUDE REGEX "package-lock\\.json$")
  add_custom_command(
    OUTPUT ${CSMS_UI_OUT_DIR}/index.html
    COMMAND ${CMAKE_COMMAND} -E env CSMS_UI_OUT_DIR=${CSMS_UI_OUT_DIR} ${CSMS_NPM} run --silent build
    WORKING_DIRECTORY ${CSMS_WEB_DIR}
    DEPENDS ${stamp} ${ui_sources} ${ui_config} ${PROJECT_SOURCE_DIR}/src/api/openapi.json
    COMMENT "Building the dashboard")
  add_custom_target(ui ALL DEPENDS ${CSMS_UI_OUT_DIR}/index.html)
  install(DIRECTORY ${CSMS_UI_OUT_DIR}/ DESTINATION ${CMAKE_INSTALL_DATADIR}/csms/ui)
  set(CSMS_UI_SERVED_DIR ${CSMS_UI_OUT_DIR})
else()
  set(CSMS_UI_SERVED_DIR "")  # never a stale build of an earlier configuration
endif()
