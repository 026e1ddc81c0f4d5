#pragma once
// Decimal text of a number for messages, option defaults, labels and attributes (the reports'
// figures, with thousands separators, are svg::format_number's).
#include <optional>
#include <string>

namespace custseg {

// Without a digit count, the shortest text that reads back as exactly v ("0.8", where
// Program_options would print 0.80000000000000004). With one, v rounded to that many significant
// digits, as printf's "%.<digits>g" writes it (6: "0.333333", "1e+07").
std::string number_text(double v, std::optional<int> significant_digits = std::nullopt);

}  // namespace custseg
