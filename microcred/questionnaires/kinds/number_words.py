"""Numbers in English words ("four hundred fifty"), for messages that must say which
number was meant without writing it in digits, whose separators are what is in doubt."""

from decimal import Decimal

ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
]  # fmt: skip
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
# The largest amounts the kinds take are below this (read_decimal's bound).
WORDS_BELOW = 10**15


def _below_thousand(number: int) -> str:
    hundreds, rest = divmod(number, 100)
    words = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(TENS[tens - 2] + (f"-{ONES[ones]}" if ones else ""))
    elif rest:
        words.append(ONES[rest])
    return " ".join(words)


def number_words(number: Decimal) -> str:
    """`number` in words: "one thousand two hundred thirty-four point five"; in digits
    from WORDS_BELOW up."""
    if abs(number) >= WORDS_BELOW:
        return format(number, "f")
    whole_text, _, fraction = format(abs(number), "f").partition(".")
    whole = int(whole_text)
    words = [] if whole else ["zero"]
    for scale, name in SCALES:
        count, whole = divmod(whole, scale)
        if count:
            words.append(f"{_below_thousand(count)} {name}")
    if whole:
        words.append(_below_thousand(whole))
    fraction = fraction.rstrip("0")
    if fraction:
        words.append("point " + " ".join(ONES[int(digit)] for digit in fraction))
    return ("minus " if number < 0 else "") + " ".join(words)
