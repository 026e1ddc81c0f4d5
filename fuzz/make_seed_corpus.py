#!/usr/bin/env python3
"""Writes the committed seed corpus of the fuzz targets (fuzz/corpus/TARGET/).

usage: /usr/bin/python3 fuzz/make_seed_corpus.py [SHARED_DATA]   (default ../shared/data)
Seeds are small on purpose (libFuzzer mutates them): the first lines of the real public
datasets, the configs/*.ini, typical dates and small h5py/pandas tables. Each csv_fuzz seed
starts with two control bytes (dialect, number of ranges), each ini_fuzz seed with one (job),
as the targets read them. Re-running rewrites the same files.
"""
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
shared = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else root.parent / 'shared' / 'data')
corpus = root / 'fuzz' / 'corpus'
DIALECT = {',': 0, ';': 1, '|': 2, '\t': 3, 'whitespace': 4}


def write(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def head(path, lines):
    with open(path, 'rb') as f:
        return b''.join(f.readline() for _ in range(lines))


def csv_seeds():
    real = [('online-retail/online_retail.csv', ','), ('mall-customers/Mall_Customers.csv', ','),
            ('wholesale-customers/wholesale_customers_data.csv', ','),
            ('credit-card-general/cc_general.csv', ','), ('cdnow/CDNOW_master.txt', 'whitespace')]
    for i, (rel, dialect) in enumerate(real):
        path = shared / rel
        if path.exists():
            write('csv_fuzz', f'real-{i}.csv', bytes([DIALECT[dialect], 3]) + head(path, 12))
    hand = {
        'quoted-multiline': (',', b'id,note,amount\r\n1,"two\nlines",2.5\r\n2,"a ""quote""",3\r\n3,,\r\n'),
        'semicolon-decimal': (';', b'id;amount\n1;1.234,5\n2;"7,25"\n\n3;0\n'),
        'tab': ('\t', b'id\tname\n1\tcaf\xc3\xa9\n2\t\xe2\x82\xac\n'),
        'pipe-no-final-newline': ('|', b'a|b|c\n1|2|3\n4|5|6'),
        'bom': (',', b'\xef\xbb\xbfid,v\n1,2\n'),
    }
    for name, (dialect, text) in hand.items():
        write('csv_fuzz', name + '.csv', bytes([DIALECT[dialect], 4]) + text)


def ini_seeds():
    jobs = {'segment': 0, 'score': 1, 'sweep': 2, 'compare': 3, 'generate': 4, 'ingest': 5}
    for ini in sorted((root / 'configs').glob('*.ini')):
        job = ini.stem.split('-')[0]
        if job in jobs:
            write('ini_fuzz', ini.name, bytes([jobs[job]]) + ini.read_bytes())


def date_seeds():
    dates = ['2011-12-09', '2011-12-09 12:50', '2011-12-09T12:50:30', '12/9/2011 8:26', '2/29/2012',
             '%d/%m/%Y\n09/12/2011', '%m/%d/%Y %H:%M\n12/09/2011 08:26', '%Y%m%d\n19970101',
             '%d.%m.%y\n01.02.97', '%d %b %Y\n1 Dec 2010']
    for i, d in enumerate(dates):
        write('date_fuzz', f'date-{i}', d.encode())


def hdf5_seeds():
    import h5py
    import numpy as np
    d = corpus / 'hdf5_table_fuzz'
    d.mkdir(parents=True, exist_ok=True)
    n = 6
    with h5py.File(d / 'custseg-layout.h5', 'w', libver='earliest') as f:
        g = f.create_group('customers')
        g['customer_id'] = np.arange(1, n + 1, dtype=np.uint64)
        g['recency_days'] = np.linspace(1, 90, n)
        g['frequency'] = np.arange(n, dtype=np.int64) + 1
        g['country'] = np.array([b'UK', b'FR'] * (n // 2), dtype='S2')
        g['recency_days'].attrs['role'] = 'feature'
    with h5py.File(d / 'latest-format.h5', 'w', libver='latest') as f:
        g = f.create_group('customers')
        g['customer_id'] = np.arange(1, n + 1, dtype=np.uint32)
        g['monetary'] = np.linspace(5, 500, n)
        g['newsletter'] = np.arange(n) % 2 == 0
    # pandas' to_hdf files are 85 KB to 1 MB even for 6 rows: too big to mutate usefully.


csv_seeds()
ini_seeds()
date_seeds()
hdf5_seeds()
