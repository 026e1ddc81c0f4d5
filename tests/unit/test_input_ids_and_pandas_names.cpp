// The MPI-free parts of reading customer tables as people have them: which stored numbers are
// customer ids, where the first repeated id is, and the column names pandas pickles into HDF5
// attributes (protocol 0, as PyTables writes them; the strings below are copied from files
// written by pandas 1.5 / PyTables 3.7).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "custseg/data/customer_ids.hpp"
#include "custseg/io/pandas_pickle.hpp"

using custseg::data::CustomerIds;
using custseg::data::IdRecord;

TEST(PandasNames, ValuesBlockKindListsTheColumnsInOrder) {
  const auto names = custseg::io::pickled_strings("(lp0\nVrecency\np1\naVmonetary\np2\na.");
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"recency", "monetary"}));
}

TEST(PandasNames, NoneAndNestedTuplesGiveTheirStringsOnly) {
  EXPECT_EQ(custseg::io::pickled_strings("N."), std::vector<std::string>{});
  // non_index_axes: [(1, ['customer_id', 'freq'])]
  const auto names = custseg::io::pickled_strings("(lp0\n(I1\n(lp1\nVcustomer_id\np2\naVfreq\np3\natp4\na.");
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"customer_id", "freq"}));
}

TEST(PandasNames, RawUnicodeEscapeBecomesUtf8) {
  // pickle.dumps(['Éire', 'naïve/€'], 0): Latin-1 bytes stay single bytes, the rest is escaped.
  const auto names = custseg::io::pickled_strings("(lp0\nV\xC9ire\np1\naVna\xEFve/\\u20ac\np2\na.");
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"\xC3\x89ire", "na\xC3\xAFve/\xE2\x82\xAC"}));
}

TEST(PandasNames, OtherPicklesAreRefusedNotGuessed) {
  EXPECT_FALSE(custseg::io::pickled_strings("\x80\x04\x95..."));      // protocol 2+
  EXPECT_FALSE(custseg::io::pickled_strings("(lp0\nVrecency\np1\na"));  // no STOP
  EXPECT_FALSE(custseg::io::pickled_strings("(lp0\nVbad\\u12\np1\na."));  // short escape
  EXPECT_FALSE(custseg::io::pickled_strings("cpandas\nIndex\n."));     // a global: not a name list
}

TEST(CustomerIdValues, FloatsMustHoldWholeNonNegativeNumbersBelow2To64) {
  using custseg::data::float_id_problem;
  EXPECT_TRUE(float_id_problem(std::nan("")));
  EXPECT_TRUE(float_id_problem(-1.0));
  EXPECT_TRUE(float_id_problem(17850.5));
  EXPECT_TRUE(float_id_problem(18446744073709551616.0));  // 2^64
  EXPECT_TRUE(float_id_problem(std::numeric_limits<double>::infinity()));
  EXPECT_FALSE(float_id_problem(0.0));
  EXPECT_FALSE(float_id_problem(17850.0));
  // The largest double below 2^64 is an id, and converts exactly.
  const double largest = std::nextafter(18446744073709551616.0, 0.0);
  EXPECT_FALSE(float_id_problem(largest));
  EXPECT_EQ(custseg::data::float_id(largest), 18446744073709549568ULL);
  EXPECT_TRUE(custseg::data::signed_id_problem(-1));
  EXPECT_FALSE(custseg::data::signed_id_problem(std::numeric_limits<std::int64_t>::max()));
}

TEST(CustomerIdValues, KeysRoundTripAndShowAsTheyCame) {
  CustomerIds numbers;
  numbers.numbers = {0, 1234567890123456789ULL, std::numeric_limits<std::uint64_t>::max()};
  for (std::size_t i = 0; i < numbers.size(); ++i)
    EXPECT_EQ(numbers.show(i), std::to_string(numbers.numbers[i]));
  EXPECT_NE(numbers.key(0), numbers.key(1));
  CustomerIds text;
  text.text = true;
  text.strings = {"C10001", ""};
  EXPECT_EQ(text.show(0), "'C10001'");
  EXPECT_EQ(custseg::data::show_key(numbers.key(2), false), "18446744073709551615");
}

TEST(CustomerIdValues, OwnerIsInRangeAndTheSameForEqualIds) {
  for (int ranks : {1, 2, 3, 7}) {
    for (const std::string& key : std::vector<std::string>{"", "C10001", "C10002", std::string(8, '\0')}) {
      const int owner = custseg::data::id_owner(key, ranks);
      EXPECT_GE(owner, 0);
      EXPECT_LT(owner, ranks);
      EXPECT_EQ(owner, custseg::data::id_owner(std::string(key), ranks));
    }
  }
}

TEST(FirstRepeat, NoneWhenAllIdsDiffer) {
  std::vector<IdRecord> r{{"a", 0}, {"b", 1}, {"c", 2}};
  EXPECT_FALSE(custseg::data::first_repeat(r));
}

TEST(FirstRepeat, TheRepeatWithTheSmallestRowWinsWhateverTheIdOrder) {
  // "b" first repeats at row 7 (first seen at 2), "a" at row 9, "c" (three times) at row 11.
  // Brute force: the smallest row whose id occurs at an earlier row.
  std::vector<IdRecord> r{{"a", 5}, {"a", 9}, {"c", 11}, {"b", 7}, {"b", 2}, {"c", 3}, {"c", 12}, {"d", 1}};
  std::uint64_t expected = std::numeric_limits<std::uint64_t>::max();
  for (const auto& x : r)
    for (const auto& y : r)
      if (x.key == y.key && y.row < x.row) expected = std::min(expected, x.row);
  const auto repeat = custseg::data::first_repeat(r);
  ASSERT_TRUE(repeat);
  EXPECT_EQ(repeat->row, expected);
  EXPECT_EQ(repeat->row, 7u);
  EXPECT_EQ(repeat->first_row, 2u);
  EXPECT_EQ(repeat->key, "b");
}

// The screen before the exact search: a radix sort must agree with std::sort for any bits (high
// digits that differ, that all values share, and a single differing bit), and must report an
// equal pair exactly when there is one.
TEST(IdScreen, RadixSortAgreesWithStdSortAndFindsEqualValues) {
  std::uint64_t state = 12345;
  auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  const std::vector<std::vector<std::uint64_t>> cases{
      {},
      {42},
      {3, 1, 2},
      {1ULL << 63, 1, (1ULL << 63) | 1, 0},
      {100000001, 100000003, 100000002, 1ULL << 40},
  };
  auto check = [](std::vector<std::uint64_t> v) {
    std::vector<std::uint64_t> expected = v;
    std::sort(expected.begin(), expected.end());
    const bool equal = std::adjacent_find(expected.begin(), expected.end()) != expected.end();
    EXPECT_EQ(custseg::data::sort_and_find_equal(v), equal);
    EXPECT_EQ(v, expected);
  };
  for (const auto& c : cases) check(c);
  std::vector<std::uint64_t> random(5000), narrow(5000);
  for (auto& v : random) v = next();
  for (auto& v : narrow) v = 7000000000ULL + (next() >> 52);  // shared high digits, some equal
  check(random);
  check(narrow);
  random.push_back(random[1234]);  // one repeat among distinct values
  check(random);
}

TEST(IdScreen, StrictlyIncreasingNumbersAndStrings) {
  CustomerIds n;
  n.numbers = {1, 5, 9};
  EXPECT_TRUE(custseg::data::strictly_increasing(n));
  n.numbers = {1, 5, 5};
  EXPECT_FALSE(custseg::data::strictly_increasing(n));  // equal neighbours are a repeat
  n.numbers = {5, 1};
  EXPECT_FALSE(custseg::data::strictly_increasing(n));
  n.numbers.clear();
  EXPECT_TRUE(custseg::data::strictly_increasing(n));
  CustomerIds s;
  s.text = true;
  s.strings = {"C10", "C2", "C3"};  // byte order, not numeric
  EXPECT_TRUE(custseg::data::strictly_increasing(s));
  s.strings = {"C2", "C10"};
  EXPECT_FALSE(custseg::data::strictly_increasing(s));
}

TEST(IdScreen, FingerprintsOfEqualIdsAreEqual) {
  CustomerIds s;
  s.text = true;
  s.strings = {"C10001", "C10002", "C10001", ""};
  EXPECT_EQ(custseg::data::id_fingerprint(s, 0), custseg::data::id_fingerprint(s, 2));
  EXPECT_NE(custseg::data::id_fingerprint(s, 0), custseg::data::id_fingerprint(s, 1));
  EXPECT_EQ(custseg::data::id_fingerprint(s, 0), custseg::data::id_hash("C10001"));
  CustomerIds n;
  n.numbers = {0, 18446744073709551615ULL};
  EXPECT_EQ(custseg::data::id_fingerprint(n, 1), 18446744073709551615ULL);  // numbers are their own
}
