#include "service.hpp"

namespace synapse_service {

const std::string& web_page() {
    static const std::string page = R"html(<!doctype html><title>Synapse pipelines</title>)html";
    return page;
}

}  // namespace synapse_service
