// Pipeline definitions as the pipeline service stores them (../docs/synapse-sdk-reference.md
// §2.2): the bodies of POST /pipelines/ and PUT /pipelines/{id}, and the pipeline it answers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "synapse/core/reflect.hpp"
#include "synapse/pipeline/models/rules.hpp"

namespace synapse::pipeline_service {

/// One action of a pipeline definition.
struct action_definition {
    std::string name{};
    std::string entrypoint{};  ///< "module.Class"
    std::optional<std::string> description{};
};

/// The body of POST /pipelines/.
struct pipeline_create {
    std::string name{};  ///< 1 to 255 characters
    std::optional<std::string> description{};
    std::vector<action_definition> actions{};

    static auto constraints() {
        return synapse::constraints(
            synapse::rule(&pipeline_create::name, rules::length(1, 255)),
            synapse::rule(&pipeline_create::actions, synapse::rules::defaulted));
    }
};

/// The body of PUT /pipelines/{id}: only the fields that are set are sent.
struct pipeline_update {
    std::optional<std::string> name{};  ///< 1 to 255 characters
    std::optional<std::string> description{};
    std::optional<std::vector<action_definition>> actions{};

    static auto constraints() {
        return synapse::constraints(synapse::rule(&pipeline_update::name, rules::length(1, 255)));
    }
};

/// A pipeline as the service returns it.
struct pipeline {
    std::string name{};
    std::optional<std::string> description{};
    std::vector<action_definition> actions{};
    std::string id{};  ///< a UUID4
    std::string created_at{};
    std::string updated_at{};

    static auto constraints() {
        return synapse::constraints(synapse::rule(&pipeline::actions, synapse::rules::defaulted));
    }
};

}  // namespace synapse::pipeline_service

SYNAPSE_REFLECT(synapse::pipeline_service::action_definition, name, entrypoint, description)
SYNAPSE_REFLECT(synapse::pipeline_service::pipeline_create, name, description, actions)
SYNAPSE_REFLECT(synapse::pipeline_service::pipeline_update, name, description, actions)
SYNAPSE_REFLECT(synapse::pipeline_service::pipeline, name, description, actions, id, created_at,
                updated_at)
