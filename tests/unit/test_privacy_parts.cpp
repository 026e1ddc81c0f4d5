// The local parts of docs/privacy.md: HMAC-SHA256 pseudonyms (RFC 4231's test vectors), key
// files, and the row-selection view that --consent-column reads through.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "custseg/config/privacy_options.hpp"
#include "custseg/io/row_selection.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/pseudonymize.hpp"

namespace custseg {
namespace {

TEST(Pseudonymizer, MatchesRfc4231TestVectors) {
  // RFC 4231, test cases 1 and 2 (HMAC-SHA-256).
  EXPECT_EQ(Pseudonymizer(std::string(20, '\x0b')).pseudonym("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(Pseudonymizer("Jefe").pseudonym("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

std::string key_file(const std::string& name, const std::string& bytes, mode_t mode) {
  const auto path = std::filesystem::temp_directory_path() / ("custseg-unit-" + name + "-" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << bytes;
  ::chmod(path.c_str(), mode);
  return path.string();
}

std::string usage_error(const std::string& path) {
  try {
    (void)Pseudonymizer::from_key_file(path);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ExitCode::usage);
    return e.what();
  }
  ADD_FAILURE() << path << " was accepted";
  return {};
}

TEST(Pseudonymizer, ReadsEveryByteOfAPrivateKeyFileAndRefusesTheRest) {
  const std::string key = key_file("key", std::string("Jefe"), 0600);
  EXPECT_EQ(Pseudonymizer::from_key_file(key).pseudonym("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  const std::string newline = key_file("newline", "Jefe\n", 0600);  // no byte is stripped
  EXPECT_NE(Pseudonymizer::from_key_file(newline).pseudonym("x"), Pseudonymizer("Jefe").pseudonym("x"));
  const std::string open = key_file("open", "secret-bytes", 0640);
  const std::string e = usage_error(open);
  EXPECT_NE(e.find("group or others may access it (mode 640)"), std::string::npos) << e;
  EXPECT_EQ(e.find("secret-bytes"), std::string::npos) << e;  // never the key
  EXPECT_NE(usage_error(key_file("empty", "", 0600)).find("is empty"), std::string::npos);
  EXPECT_NE(usage_error(key + ".missing").find("No such file"), std::string::npos);
  EXPECT_NE(usage_error(std::filesystem::temp_directory_path().string()).find("not a regular file"), std::string::npos);
  for (const auto& p : {key, newline, open}) std::filesystem::remove(p);
  std::filesystem::remove(std::filesystem::temp_directory_path() / ("custseg-unit-empty-" + std::to_string(::getpid())));
}

TEST(RowSelection, MapsLogicalRowsAndBlocksToTheSelectedPhysicalRows) {
  std::vector<std::uint8_t> keep(300, 0);
  std::vector<std::uint64_t> physical;
  for (std::uint64_t r = 0; r < keep.size(); ++r)
    if (r % 7 == 3 || (r >= 60 && r < 70) || r == 299) {
      keep[r] = 1;
      physical.push_back(r);
    }
  const io::RowSelection s(keep);
  ASSERT_EQ(s.rows(), physical.size());
  EXPECT_EQ(s.physical_rows(), 300U);
  for (std::uint64_t i = 0; i < physical.size(); ++i) EXPECT_EQ(s.physical_row(i), physical[i]) << i;
  const io::RowBlock span = s.physical_span(io::RowBlock{5, 12});
  EXPECT_EQ(span.begin, physical[5]);
  EXPECT_EQ(span.end(), physical[16] + 1);
  std::vector<std::uint64_t> values(span.count);
  for (std::uint64_t i = 0; i < span.count; ++i) values[i] = span.begin + i;
  s.keep_selected(span, values);
  EXPECT_EQ(values, std::vector<std::uint64_t>(physical.begin() + 5, physical.begin() + 17));
  EXPECT_EQ(s.physical_span(io::RowBlock{physical.size(), 0}).count, 0U);  // an empty block past the end
  EXPECT_EQ(io::consent_value_problem(1.0), "");
  EXPECT_EQ(io::consent_value_problem(0.0), "");
  EXPECT_EQ(io::consent_value_problem(2.0), "is neither 0 nor 1");
  EXPECT_EQ(io::consent_value_problem(std::nan("")), "is missing (NaN)");
}

TEST(ConsentRecord, TheConsentColumnOfAConfigIsReadAndReplaced) {
  const std::string fitted = "k = 3\nconsent-column = consent\nthreads = 1\n";
  EXPECT_EQ(config::consent_column_of(fitted), "consent");
  EXPECT_EQ(config::consent_column_of("k = 3\n"), "");
  EXPECT_EQ(config::with_consent_column(fitted, "opt_in"), "k = 3\nthreads = 1\nconsent-column = opt_in\n");
  EXPECT_EQ(config::with_consent_column(fitted, ""), "k = 3\nthreads = 1\n");
  EXPECT_EQ(config::with_consent_column("k = 3", ""), "k = 3");  // untouched without consent
}

}  // namespace
}  // namespace custseg
