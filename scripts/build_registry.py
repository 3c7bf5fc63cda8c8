#!/usr/bin/env python3
"""Build the shipped model registry (`forecast/data/*.csv`) from the public sources.

A thin wrapper kept for old instructions: the builder is `forecast.inputs.registry_build` and
the command is `forecast data build --sources DIR [--out DIR]` (docs/data.md says where to
download each source). Rebuilding into `forecast/data/` from the snapshots of
`../shared/data/SOURCES.md` gives the shipped tables byte for byte.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from forecast.inputs.registry_build.build import DEFAULT_CURATION, build  # noqa: E402

DEFAULT_SOURCES = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "forecast" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                        help="folder with the public source files (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: forecast/data)")
    parser.add_argument("--curation", type=Path, default=DEFAULT_CURATION,
                        help="hand-curated facts (default: forecast/data/curation.csv)")
    parser.add_argument("--show-unmapped", action="store_true",
                        help="list source names that match no catalogue model")
    args = parser.parse_args(argv)
    report = build(args.sources, args.out, args.curation)
    print(f"wrote {report['models']} models, {report['scores']} score rows "
          f"({report['raw_observations']} observations before merging copies) to {args.out}")
    for file, count in report["rows_used"].items():
        print(f"  {count:5d} rows used from {file}")
    print(f"  {report['curation_rows']:5d} curated facts from {args.curation.name}")
    for note in report["skipped"]:
        print(f"  skipped {note}")
    if args.show_unmapped:
        for file, names in report["unmapped"].items():
            print(f"unmapped in {file}: {'; '.join(names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
