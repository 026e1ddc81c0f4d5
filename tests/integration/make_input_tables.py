#!/usr/bin/env python3
"""Writes customer tables the way h5py and pandas users write them, for test_input_hdf5.cpp.

usage: make_input_tables.py OUTDIR
Every file holds the same 400 customers (recency_days, frequency, monetary); expected.json holds
the figures the test checks, computed here with numpy (independently of custseg). pandas files
are written only when pandas and PyTables are installed (expected.json says which).
"""
import json
import sys

import h5py
import numpy as np

out = sys.argv[1]
n = 400
rng = np.random.default_rng(11)
ids = np.arange(1, n + 1, dtype=np.uint64)
recency = rng.gamma(2, 30, n)
frequency = rng.poisson(4, n).astype(np.int64) + 1
monetary = rng.gamma(2, 200, n)
churned = rng.random(n) < 0.3
region = rng.choice(['north', 'south', 'Éire', 'west'], n)
gender = rng.integers(0, 2, n).astype(np.int32)


def base(name, id_values=ids):
    f = h5py.File(f'{out}/{name}', 'w')
    g = f.create_group('customers')
    g['customer_id'] = id_values
    g['recency_days'] = recency
    g['frequency'] = frequency
    g['monetary'] = monetary
    return f, g


f, g = base('plain.h5')
f.close()

# h5py's defaults: str -> variable-length UTF-8 (data and attributes), numpy bool -> enum.
f, g = base('extras.h5')
g['country'] = np.array(rng.choice(['United Kingdom', 'France', 'Éire'], n), dtype=object).astype(h5py.string_dtype())
g['email_domain'] = np.array(rng.choice([b'example.com', b'example.org'], n), dtype='S11')
g['newsletter'] = rng.random(n) < 0.4
g['embedding'] = rng.random((n, 4))
g['age_short'] = rng.integers(18, 90, n - 1)
g['revenue_12m'] = rng.gamma(2, 250, n)
g['revenue_12m'].attrs['role'] = 'kpi'
g['churned'] = churned
g['churned'].attrs['role'] = 'kpi'
g['gender'] = gender
g['gender'].attrs['role'] = np.bytes_('protected')
g['gender'].attrs['categories'] = ['female', 'male']
g['region'] = np.array(region, dtype=object).astype(h5py.string_dtype())
g.create_group('notes')
f.close()

text_ids = np.array([f'C{10000 + i}-\u00e9' for i in range(n)], dtype=object)
f, g = base('ids_text.h5', text_ids.astype(h5py.string_dtype()))
f.close()
f, g = base('ids_fixed_text.h5', np.array([f'C{10000 + i}'.encode() for i in range(n)], dtype='S6'))
f.close()
dup = ids.copy()
dup[250] = dup[17]
dup[300] = dup[17]
f, g = base('ids_dup.h5', dup)
f.close()

expected = {
    'rows': n,
    'churn_rate': float(churned.mean()),
    'regions': sorted(set(region.tolist()), key=lambda s: s.encode()),
    'text_ids': text_ids.tolist(),
    'pandas': False,
}
try:
    import pandas as pd
    import tables  # noqa: F401  (to_hdf needs PyTables)
except ImportError:
    pass
else:
    df = pd.DataFrame({'customer_id': ids.astype(np.int64), 'recency_days': recency, 'frequency': frequency,
                       'monetary': monetary, 'country': rng.choice(['UK', 'FR'], n), 'vip': churned})
    df.to_hdf(f'{out}/pandas_fixed.h5', key='customers', format='fixed', mode='w')
    df.to_hdf(f'{out}/pandas_table.h5', key='df', format='table', mode='w')
    df.to_hdf(f'{out}/pandas_table_dc.h5', key='df', format='table', mode='w', data_columns=True)
    nan_ids = df.assign(customer_id=df['customer_id'].astype(float))
    nan_ids.loc[5, 'customer_id'] = np.nan  # what pandas does to an id column with a gap
    nan_ids.to_hdf(f'{out}/pandas_nan_ids.h5', key='df', format='table', mode='w')
    df['monetary'].to_hdf(f'{out}/pandas_series.h5', key='customers', mode='w')
    # Text in a 'table': ids and two more text columns share one values_block of fixed-length strings.
    text = df.assign(customer_id=[f'C{10000 + i}' for i in range(n)], gender=rng.choice(['f', 'm'], n))
    text.to_hdf(f'{out}/pandas_table_text.h5', key='df', format='table', mode='w')
    expected['table_text_ids'] = text['customer_id'].tolist()
    expected['table_genders'] = sorted(set(text['gender']))
    # A pandas categorical: int8 codes (-1 = missing) and its labels in /df/meta/values_block_N.
    cat = df.assign(tier=pd.Categorical(rng.choice(['gold', 'silver', None], n), categories=['silver', 'gold']))
    cat.to_hdf(f'{out}/pandas_table_categorical.h5', key='df', format='table', mode='w')
    expected['tier_groups'] = ['silver', 'gold']
    # The id as a named index of a 'fixed' frame (axis1, name attribute 'customer_id').
    df.assign(customer_id=df['customer_id'] * 1000).set_index('customer_id').to_hdf(
        f'{out}/pandas_fixed_index.h5', key='customers', format='fixed', mode='w')
    expected['pandas'] = True
with open(f'{out}/expected.json', 'w') as fp:
    json.dump(expected, fp)
