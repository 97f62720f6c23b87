"""Stand-in for the pip bootstrap script ansible-test downloads (get-pip.py).

ansible-test fetches get-pip.py from ci-files.testing.ansible.com, which our CI cannot
reach. This does the same job with what Python ships: ensurepip puts pip into the empty
virtual environment, then pip installs the packages ansible-test asked for from the
package index this machine is configured for.
"""

import runpy
import subprocess
import sys

# get-pip.py options that plain `pip install` does not know.
GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")

# In a child process: ensurepip disables pip's configuration files in the process it runs in.
subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
sys.argv = ["pip", "install", "--quiet"] + [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
