#pragma once
// The style every custseg HTML page starts with (report.html of segment, sweep, score and compare):
// page, headings, meta line, cards and tables look the same in all of them. Each page appends its
// own rules right after it; the text ends without a newline so that the first appended rule
// continues the table line.
namespace custseg::report {

inline constexpr const char* kPageStyle = R"css(
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;margin:24px 32px;color:#1a1a1a;max-width:1320px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:30px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555;font-size:13px}.cards{display:flex;gap:14px;flex-wrap:wrap;margin:14px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:130px}.card b{display:block;font-size:20px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
th{background:#f5f5f5}td.text,th.text{text-align:left})css";

}  // namespace custseg::report
