# Stages `cmake --install BUILD_DIR --component python` under STAGE and runs the staged package
# from a folder outside the build, with PYTHONPATH naming only the staged site folder.
file(REMOVE_RECURSE ${STAGE})
execute_process(COMMAND ${CMAKE_COMMAND} -E env DESTDIR=${STAGE} ${CMAKE_COMMAND} --install ${BUILD_DIR} --component python
                RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "installing the python component failed (${status})")
endif()
set(models "'copula', 'cart'")
if(WITH_TORCH)
  set(models "${models}, 'wgan'")
endif()
set(script "
import os, sys
import pandas as pd
import synthtab
assert synthtab.__file__.startswith(os.environ['STAGE']), synthtab.__file__
for model in [${models}]:
    fit = synthtab.fit(pd.read_csv(os.environ['ROI']), model=model, seed=7, progress=False, **({'epochs': 2} if model == 'wgan' else {}))
    rows = fit.sample(50)
    assert len(rows) == 50 and list(rows.columns)[-1] == 'Year', rows.columns
print('ok')
")
execute_process(COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${STAGE}${SITE} STAGE=${STAGE} ROI=${ROI} ${PYTHON} -c "${script}"
                WORKING_DIRECTORY ${STAGE} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out MATCHES "ok")
  message(FATAL_ERROR "the staged package failed (${status}):\n${out}\n${err}")
endif()
