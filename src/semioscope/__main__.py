import sys

try:
    from semioscope.cli import main
except KeyboardInterrupt:   # Ctrl-C during start-up imports: before main() can catch it
    print("semioscope: interrupted; no partial output was written", file=sys.stderr)
    raise SystemExit(130) from None

raise SystemExit(main())
