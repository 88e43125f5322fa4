import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # import common.py and reproduce.py from the project root

# The suite tests the default backend, TensorFlow, whatever the shell has set; the scripts run
# in subprocesses inherit this. tests/test_backends.py runs them on JAX and PyTorch explicitly.
os.environ["KERAS_BACKEND"] = "tensorflow"

# Two test workers (pytest.ini) each start script processes: one TensorFlow thread per pool in
# each, so they share the two cores instead of fighting over them (reproduce.py --jobs does the
# same). The tiny models here gain nothing from more threads; the outputs are the same.
for _name in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
