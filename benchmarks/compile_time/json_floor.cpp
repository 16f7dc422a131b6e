// The floor for compile_time/one_action.cpp: a translation unit that only parses and writes
// JSON with nlohmann::ordered_json (what every synapse action TU needs anyway).
#include <iostream>
#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
    auto j = nlohmann::ordered_json::parse(argc > 1 ? argv[1] : "{}");
    j["argc"] = argc;
    std::cout << j.dump() << j.value("scale", 1.0) << '\n';
}
