"""Made-up employers' codes, for the demo, tests and benchmarks; never real companies."""

import random

from stdnum.cn import uscc


def make_uscc(rng: random.Random, region: str = "411702") -> str:
    """A valid unified social credit code (GB 32100) for a made-up employer."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)
