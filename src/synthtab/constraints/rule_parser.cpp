#include "synthtab/constraints/rule_parser.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

struct Token {
  enum Kind { Name, Number, Plus, Times, Equals, Less, LessEqual, Greater, GreaterEqual, Arrow, From, End } kind = End;
  std::string text;  // a name's text
  double number = 0.0;
  size_t at = 0;  // 0-based position in the rule
};

bool word_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool word_char(char c) { return word_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }

class Parser {
 public:
  Parser(const std::string& text, const Table& table) : text_(text), table_(table) { next(); }

  Rule parse() {
    Rule rule;
    rule.declared = true;
    if (token_.kind == Token::Number) return bounds_from_number();
    const Token first = name();
    switch (token_.kind) {
      case Token::Plus:
        return sum_group(first);
      case Token::Equals:
        return derived(first);
      case Token::Less:
      case Token::LessEqual:
      case Token::Greater:
      case Token::GreaterEqual:
        return comparison(first);
      case Token::Arrow: {  // the left side is fixed by the right
        next();
        const Token by = name();
        end();
        rule.kind = RuleKind::Determines;
        rule.columns = {by.text, first.text};
        return finished(rule);
      }
      case Token::Name:
        if (token_.text == "on") return grid(first);
        [[fallthrough]];
      default:
        fail("expected +, =, <, <=, >, >=, <- or 'on' after the column");
    }
  }

 private:
  const std::string& text_;
  const Table& table_;
  size_t pos_ = 0;
  Token token_;

  [[noreturn]] void fail(const std::string& expected) const { fail_at(token_, expected); }
  [[noreturn]] void fail_at(const Token& token, const std::string& expected) const {
    throw usage_error(fmt::format("rule '{}', at character {}: {}", text_, token.at + 1, expected));
  }

  void next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    token_ = Token{};
    token_.at = pos_;
    if (pos_ >= text_.size()) return;
    const char c = text_[pos_];
    const auto two = [&](char second) { return pos_ + 1 < text_.size() && text_[pos_ + 1] == second; };
    if (c == '`' || c == '"') {
      const size_t close = text_.find(c, pos_ + 1);
      if (close == std::string::npos) fail(fmt::format("the name opened with {} is not closed", c));
      token_.kind = Token::Name;
      token_.text = text_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.' ||
               ((c == '-' || c == '+') && pos_ + 1 < text_.size() &&
                (std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])) || text_[pos_ + 1] == '.'))) {
      const char* begin = text_.c_str() + pos_;
      char* stop = nullptr;
      token_.number = std::strtod(begin, &stop);
      if (stop == begin || !std::isfinite(token_.number)) fail("expected a finite number");
      token_.kind = Token::Number;
      pos_ += static_cast<size_t>(stop - begin);
    } else if (word_start(c)) {
      const size_t start = pos_;
      while (pos_ < text_.size() && word_char(text_[pos_])) ++pos_;
      token_.text = text_.substr(start, pos_ - start);
      token_.kind = token_.text == "from" ? Token::From : Token::Name;
    } else if (c == '<' && two('-')) {
      token_.kind = Token::Arrow;
      pos_ += 2;
    } else if (c == '<' || c == '>') {
      const bool equal = two('=');
      token_.kind =
          c == '<' ? (equal ? Token::LessEqual : Token::Less) : (equal ? Token::GreaterEqual : Token::Greater);
      pos_ += equal ? 2 : 1;
    } else if (c == '=' || c == '+' || c == '*') {
      token_.kind = c == '=' ? Token::Equals : c == '+' ? Token::Plus : Token::Times;
      pos_ += (c == '=' && two('=')) ? 2 : 1;
    } else {
      fail(fmt::format("unexpected character '{}'", c));
    }
  }

  Token name() {
    if (token_.kind != Token::Name) fail("expected a column name");
    const Token out = token_;
    if (table_.find(out.text) < 0) {
      std::string known;
      for (int64_t c = 0; c < table_.cols() && c < 12; ++c)
        known += (c ? ", " : "") + in_quotes(table_.columns[static_cast<size_t>(c)].name);
      if (table_.cols() > 12) known += ", ...";
      fail(fmt::format("no column named {} (the columns: {})", in_quotes(out.text), known));
    }
    next();
    return out;
  }

  double number() {
    if (token_.kind != Token::Number) fail("expected a number");
    const double out = token_.number;
    next();
    return out;
  }

  void end() {
    if (token_.kind != Token::End) fail("expected the end of the rule");
  }

  Rule finished(Rule rule) const {
    rule.declared = true;
    rule.units.assign(rule.columns.size(), 0.0);
    BoundRule(rule, table_);  // checks the columns' types
    return rule;
  }

  Rule sum_group(const Token& first) {
    Rule rule;
    rule.kind = RuleKind::SumsTo;
    rule.columns = {first.text};
    while (token_.kind == Token::Plus) {
      next();
      rule.columns.push_back(name().text);
    }
    if (token_.kind != Token::Equals) fail("expected + or = in a sum of columns");
    next();
    rule.total = number();
    end();
    return finished(rule);
  }

  Rule derived(const Token& result) {
    next();
    Rule rule;
    rule.columns = {result.text, name().text};
    if (token_.kind == Token::End)
      fail("a column equal to one other column is a copy: expected + or * and another column");
    if (token_.kind != Token::Plus && token_.kind != Token::Times) fail("expected + or *");
    const Token::Kind op = token_.kind;
    rule.kind = op == Token::Plus ? RuleKind::SumOf : RuleKind::ProductOf;
    while (token_.kind == op) {
      next();
      rule.columns.push_back(name().text);
    }
    if (token_.kind == Token::Plus || token_.kind == Token::Times) fail("a rule is a sum or a product, not both");
    end();
    return finished(rule);
  }

  Rule comparison(const Token& left) {
    const Token::Kind op = token_.kind;
    next();
    Rule rule;
    const bool less = op == Token::Less || op == Token::LessEqual;
    if (token_.kind == Token::Number) {
      if (op == Token::Less || op == Token::Greater) fail("a bound is written with <= or >=");
      rule.kind = RuleKind::Bounded;
      rule.columns = {left.text};
      (less ? rule.high : rule.low) = number();
      end();
      return finished(rule);
    }
    const Token right = name();
    end();
    rule.kind = RuleKind::AtMost;
    rule.strict = op == Token::Less || op == Token::Greater;
    rule.columns =
        less ? std::vector<std::string>{left.text, right.text} : std::vector<std::string>{right.text, left.text};
    return finished(rule);
  }

  Rule bounds_from_number() {
    Rule rule;
    rule.kind = RuleKind::Bounded;
    rule.low = number();
    if (token_.kind != Token::LessEqual) fail("expected <= after the low bound");
    next();
    rule.columns = {name().text};
    if (token_.kind != Token::LessEqual) fail("expected <= and the high bound");
    next();
    rule.high = number();
    end();
    if (rule.low > rule.high) throw usage_error(fmt::format("rule '{}': the low bound is above the high bound", text_));
    return finished(rule);
  }

  Rule grid(const Token& column) {
    next();
    Rule rule;
    rule.kind = RuleKind::OnGrid;
    rule.columns = {column.text};
    const Token step = token_;
    rule.step = number();
    if (!(rule.step > 0)) fail_at(step, "the step of a grid must be above 0");
    if (token_.kind == Token::From) {
      next();
      rule.origin = number();
    }
    end();
    return finished(rule);
  }
};

}  // namespace

Rule parse_rule(const std::string& text, const Table& table) { return Parser(text, table).parse(); }

}  // namespace synthtab
