from semioscope.cli import main

raise SystemExit(main())
