#pragma once
// For a model's "refuses bad state" test: its saved section, damaged one way at a time, must
// be refused at load with the section's one-line model-file error.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "synthtab/core/archive.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab::testing {

// A fitted `Model`'s section `name` (saved under "model/") as JSON, and a check that loads it
// after `damage`: true when refused as `m.synthtab: model file section 'model/NAME' is invalid:
// ...` (the message is kept in `last_message`), false when it loads.
template <typename Model>
class SectionTamper {
 public:
  SectionTamper(const Model& fitted, std::string name) : name_(std::move(name)) {
    ArchiveWriter writer;
    fitted.save(writer, "model/");
    good_ = nlohmann::json::parse(ArchiveReader::parse(writer.serialize(), "m.synthtab").get("model/" + name_));
  }
  bool refused(const std::function<void(nlohmann::json&)>& damage) {
    nlohmann::json state = good_;
    damage(state);
    ArchiveWriter bad;
    bad.put("model/" + name_, state.dump());
    try {
      Model loaded;
      loaded.load(ArchiveReader::parse(bad.serialize(), "m.synthtab"), "model/");
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
      const std::string prefix = "m.synthtab: model file section 'model/" + name_ + "' is invalid: ";
      EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what();
      last_message = e.what();
      return true;
    }
    return false;
  }
  std::string last_message;

 private:
  std::string name_;
  nlohmann::json good_;
};

}  // namespace synthtab::testing
