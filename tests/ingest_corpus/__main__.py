import sys

from tests.ingest_corpus import main

sys.exit(main())
