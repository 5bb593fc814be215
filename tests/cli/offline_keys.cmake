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
