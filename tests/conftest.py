import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # import common.py and reproduce.py from the project root

# The suite tests the default backend, TensorFlow, whatever the shell has set; the scripts run
# in subprocesses inherit this. tests/test_backends.py runs them on JAX and PyTorch explicitly.
os.environ["KERAS_BACKEND"] = "tensorflow"
