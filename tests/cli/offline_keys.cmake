# Offline provisioning end to end through the toolkit: a KMS domain, key sets for the GMS and four
# UEs, GMK I_MESSAGEs (one RAND) for three of them; then an off-network group call loads those
# files. The three with a GMK talk and hear each other; the fourth reports no_gmk.
set(T 2026-11-22T12:00:00Z)
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT}/keys)
function(run)
  execute_process(COMMAND ${MCXSIM} ${ARGN} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "mcxsim ${ARGN} failed (${rc}): ${err}")
  endif()
endfunction()
run(kms init --kms-uri kms.mcx.example.org --out ${OUT}/keys --seed 5)
run(kms provision --kms ${OUT}/keys --user sip:gms@mcx.example.org --time ${T} --seed 6 --out ${OUT}/keys/gms.xml)
foreach(i 0 1 2 3)
  run(kms provision --kms ${OUT}/keys --user sip:ue${i}@mcx.example.org --time ${T} --seed 7${i}
      --out ${OUT}/keys/ue${i}.xml)
endforeach()
run(mikey create --type gmk --from sip:gms@mcx.example.org --to sip:ue0@mcx.example.org
    --kms-cert ${OUT}/keys/kms-init.xml --key-set ${OUT}/keys/gms.xml --group sip:group1@mcx.example.org
    --rand 101112131415161718191a1b1c1d1e1f --time ${T} --seed 80 --out ${OUT}/keys/ue0-gmk.b64)
# One GMK for all three: the first message's fresh key and ID, sent to two more members.
file(READ ${OUT}/keys/ue0-gmk.b64.json J)
string(JSON KEY GET "${J}" key)
string(JSON KEYID GET "${J}" key_id)
foreach(i 1 2)
  run(mikey create --type gmk --from sip:gms@mcx.example.org --to sip:ue${i}@mcx.example.org
      --kms-cert ${OUT}/keys/kms-init.xml --key-set ${OUT}/keys/gms.xml --group sip:group1@mcx.example.org
      --key ${KEY} --key-id ${KEYID} --rand 101112131415161718191a1b1c1d1e1f --time ${T} --seed 8${i}
      --out ${OUT}/keys/ue${i}-gmk.b64)
endforeach()
run(run offnet-group-call --keys ${OUT}/keys --time ${T} --duration 30 --quiet --out ${OUT}/call)
file(READ ${OUT}/call/summary.json S)
string(JSON NO_GMK GET "${S}" metrics errors no_gmk)
string(JSON HEARD GET "${S}" metrics mouth_to_ear_ms count)
string(JSON ERRORS LENGTH "${S}" metrics errors)
if(NO_GMK LESS 1 OR HEARD LESS 100 OR NOT ERRORS EQUAL 1)
  message(FATAL_ERROR "unexpected result (no_gmk ${NO_GMK}, frames heard ${HEARD}, error kinds ${ERRORS}):\n${S}")
endif()
message(STATUS "offline keys: ${HEARD} frames heard, no_gmk ${NO_GMK}")

# Secret hygiene: the GMK appears in no file the run wrote, neither as hex text (either case)
# nor as raw bytes (TS 33.180 keys leave a run only through --keylog).
string(TOLOWER "${KEY}" KEY_LOWER)
string(TOUPPER "${KEY}" KEY_UPPER)
file(GLOB OUTPUTS ${OUT}/call/*)
foreach(f IN LISTS OUTPUTS)
  file(READ ${f} TEXT)
  file(READ ${f} RAW HEX)
  string(FIND "${TEXT}" "${KEY_LOWER}" AT_LOWER)
  string(FIND "${TEXT}" "${KEY_UPPER}" AT_UPPER)
  string(FIND "${RAW}" "${KEY_LOWER}" AT_RAW)
  if(NOT AT_LOWER EQUAL -1 OR NOT AT_UPPER EQUAL -1 OR NOT AT_RAW EQUAL -1)
    message(FATAL_ERROR "the GMK ${KEY} is in ${f}")
  endif()
endforeach()
list(LENGTH OUTPUTS N_OUTPUTS)
message(STATUS "offline keys: the GMK is in none of the ${N_OUTPUTS} files the run wrote")

# Keys nobody can use: the same key sets without the GMK files. The run writes its results but
# says on stderr that no member can open anything and exits 3; --allow-empty makes it 0.
file(MAKE_DIRECTORY ${OUT}/nogmk)
file(GLOB KEYSETS ${OUT}/keys/*.xml)
file(COPY ${KEYSETS} DESTINATION ${OUT}/nogmk)
execute_process(COMMAND ${MCXSIM} run offnet-group-call --keys ${OUT}/nogmk --time ${T} --duration 5 --quiet
                        --out ${OUT}/nogmk-call RESULT_VARIABLE rc ERROR_VARIABLE err)
file(READ ${OUT}/nogmk-call/run_info.json INFO)
string(JSON STATUS GET "${INFO}" status)
if(NOT rc EQUAL 3 OR NOT err MATCHES "0 of 4 members hold a GMK" OR NOT STATUS STREQUAL "nothing_happened")
  message(FATAL_ERROR "a call nobody can decrypt: exit ${rc}, status ${STATUS}, stderr: ${err}")
endif()
execute_process(COMMAND ${MCXSIM} run offnet-group-call --keys ${OUT}/nogmk --time ${T} --duration 5 --quiet
                        --allow-empty --out ${OUT}/nogmk-call-allowed RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "--allow-empty: exit ${rc}: ${err}")
endif()
message(STATUS "offline keys: without GMKs the run exits 3 and says why")
