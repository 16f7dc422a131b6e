// The pipeline service's JSON models (synapse-sdk's "dev-api", ../docs/synapse-sdk-reference.md
// §2.1–2.2): one definition of the wire types, used by the service client, the pipeline runner
// and `synapse service`. Reflected, so that `synapse::from_json` / `synapse::to_json` read and
// write exactly the service's wire JSON:
//
//     auto p = synapse::from_json<synapse::pipeline_service::pipeline_progress>(j);
//     double done = p->overall_progress();  // mean of the actions' progress, 0..1
//
// Field names are the wire keys. Timestamps stay strings as the service sends them (naive UTC
// ISO-8601, "2026-11-22T01:40:43.915228"; synapse-sdk 2026.2 also posts "+00:00" offsets), so
// nothing is lost in a round trip. Reading is lenient where the service is (absent optional
// fields, absent defaults, unknown keys) and strict on types, enum strings and the service's
// rules (models/rules.hpp: names of 1 to 255 characters, ISO-8601 timestamps, object-valued
// params/result/metrics, progress 0..1), naming each failing field.
//
// - models/status.hpp: run_status, action_status, log_level
// - models/pipeline.hpp: action_definition, pipeline_create, pipeline_update, pipeline
// - models/run.hpp: run_create, run_update, run
// - models/progress.hpp: action_progress, pipeline_progress, progress_update
// - models/checkpoint.hpp: checkpoint_create, checkpoint
// - models/log_entry.hpp: log_entry_create, log_batch, log_entry
// - models/health.hpp: health
// - models/wire_json.hpp: to_request_json, normalize_legacy_fields
#pragma once

#include "synapse/pipeline/models/checkpoint.hpp"
#include "synapse/pipeline/models/health.hpp"
#include "synapse/pipeline/models/log_entry.hpp"
#include "synapse/pipeline/models/pipeline.hpp"
#include "synapse/pipeline/models/progress.hpp"
#include "synapse/pipeline/models/rules.hpp"
#include "synapse/pipeline/models/run.hpp"
#include "synapse/pipeline/models/status.hpp"
#include "synapse/pipeline/models/wire_json.hpp"
