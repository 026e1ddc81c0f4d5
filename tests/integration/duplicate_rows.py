#!/usr/bin/python3
"""Exact duplicate rows of a transaction log, counted without custseg (csv module, Decimal), as
ingest's quality report defines them: rows equal in every field to an earlier row, among rows
with a customer id (Online Retail's conventions: 'C' invoices are cancellations).

  duplicate_rows.py LOG.csv [TWICE.csv]
Prints JSON: count, by_disposition, and the copies' purchase and return values (4 decimals).
With TWICE.csv, first writes the log's header and its data rows twice to that file (a log fed
twice) and counts that file instead.
"""
import csv
import json
import sys
from collections import Counter
from decimal import Decimal


def main(path, twice=None):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    if twice:
        with open(twice, "w", newline="", encoding="utf-8") as out:
            csv.writer(out, lineterminator="\n").writerows([header] + data + data)
        data = data + data
    col = {name: header.index(name) for name in ("CustomerID", "InvoiceNo", "Quantity", "UnitPrice")}
    seen, copies = Counter(), Counter()
    purchases, returns = Decimal(0), Decimal(0)
    for r in data:
        if r[col["CustomerID"]].strip() == "":
            continue
        seen[tuple(r)] += 1
        if seen[tuple(r)] == 1:
            continue
        quantity, price = int(r[col["Quantity"]]), Decimal(r[col["UnitPrice"]])
        if r[col["InvoiceNo"]].startswith("C"):
            kind, returns = "cancelled_invoice", returns - quantity * price
        elif quantity < 0:
            kind = "negative_quantity"
        elif quantity == 0:
            kind = "zero_quantity"
        elif price == 0:
            kind = "zero_price"
        elif price < 0:
            kind = "negative_price"
        else:
            kind, purchases = "purchase", purchases + quantity * price
        copies[kind] += 1
    print(json.dumps({"count": sum(copies.values()), "by_disposition": dict(sorted(copies.items())),
                      "purchase_value": f"{purchases:.4f}", "return_value": f"{returns:.4f}"}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
