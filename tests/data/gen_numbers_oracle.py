#!/usr/bin/python3
"""Writes numbers_oracle.csv: cells and the value Python's float() gives them, the reference for
synthtab::parse_number (tests/table/value_parse_test.cpp).

Produced with:  /usr/bin/python3 tests/data/gen_numbers_oracle.py > tests/data/numbers_oracle.csv

Format: one header line, then `decimal|text|expected` per line ('|' never occurs in a text).
`expected` is float.hex() of the value, or REJECT when the cell is not a strict number:
optional sign, ASCII digits, at most one decimal mark (the given one), an optional exponent,
surrounding spaces/tabs allowed, no thousands separators, no inf/nan, and a finite result.
The grammar is this file's regex; the value is Python's float() of the text with ',' -> '.'.
"""
import math
import random
import re


def expected(text, decimal):
    mark = re.escape(decimal)
    grammar = r"[+-]?([0-9]+(" + mark + r"[0-9]*)?|" + mark + r"[0-9]+)([eE][+-]?[0-9]+)?"
    body = text.strip(" \t")
    if not re.fullmatch(grammar, body):
        return "REJECT"
    value = float(body.replace(decimal, "."))
    if math.isinf(value) or math.isnan(value):
        return "REJECT"
    return value.hex()


def random_digits(rng, low, high):
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(low, high)))


def random_number_text(rng, decimal):
    sign = rng.choice(["", "", "-", "+"])
    whole = random_digits(rng, 0, 20)
    text = sign + whole
    if rng.random() < 0.7:
        text += decimal + random_digits(rng, 0 if whole else 1, 20)
    if rng.random() < 0.4:
        text += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randint(0, 400))
    return text


GARBAGE = ["inf", "-inf", "Infinity", "nan", "NaN", "1_000", "1,000.5", "1.000,5", "12abc",
           "0x1A", "--1", "+-1", "1e", "e5", "1e+", ".", ",", "", " ", "1.2.3", "1,2,3",
           "1 000", "1e5.5", "١٢", "12%", "$12", "1d5", "0b101", "1e999", "-1e999",
           "1e-400", "-1e-400", "4.9e-324", "2.4703282292062328e-324",
           "2.4703282292062327e-324", "1.7976931348623157e308", "1.7976931348623158e308",
           "1.7976931348623159e308", "0e999", "000000000000000000000000001.5",
           "0.000000000000000000000000000000001e331", "9.99e308", " 12 ", "\t-3.5\t",
           "12 ", " 1e3", "5.", ".5", "-.5", "+5.", "2021", "0", "-0", "+0.0",
           "123456789012345678901234567890", "0.1", "0.30000000000000004", "1e-7"]


def main():
    rng = random.Random(20240611)
    rows = []
    for decimal in [".", ","]:
        for text in GARBAGE:
            rows.append((decimal, text))
        for _ in range(300):
            text = random_number_text(rng, decimal)
            roll = rng.random()
            if roll < 0.05:  # the other decimal mark
                text = text.replace(decimal, "." if decimal == "," else ",")
            elif roll < 0.10:  # surrounding blanks
                text = rng.choice([" ", "\t", "  "]) + text + rng.choice(["", " ", "\t"])
            elif roll < 0.15:  # trailing or inner garbage
                pos = rng.randint(0, len(text))
                text = text[:pos] + rng.choice("x_ '#e+-") + text[pos:]
            rows.append((decimal, text))
    print("decimal|text|expected")
    for decimal, text in rows:
        assert "|" not in text and "\n" not in text
        print(f"{decimal}|{text}|{expected(text, decimal)}")


if __name__ == "__main__":
    main()
