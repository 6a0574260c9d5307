import sys

from tokenecon.cli import main

sys.exit(main())
