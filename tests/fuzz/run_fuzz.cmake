# run_fuzz.cmake: one bounded libFuzzer run for CTest.
#   cmake -DTARGET=bin -DSEEDS=dir -DWORK=dir -DARTIFACTS=dir/ -DSECONDS=n
#         [-DDICT=-dict=file] -P run_fuzz.cmake
# The seeds are copied to WORK first, so the run never grows the committed
# corpus; crashes are written under ARTIFACTS.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK} ${ARTIFACTS})
file(GLOB seeds ${SEEDS}/*)
if(seeds)
    file(COPY ${seeds} DESTINATION ${WORK})
endif()
execute_process(
    COMMAND ${TARGET} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10
            -print_final_stats=1 -artifact_prefix=${ARTIFACTS} ${DICT} ${WORK}
    RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${TARGET} failed (${status}); the input is in ${ARTIFACTS}")
endif()
