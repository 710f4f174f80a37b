/**
 * The discovery service for the authorisation benchmark (discovery-bench.ts, section 2b), with the
 * kit's authorisation step on, or off when BENCH_AUTHORISATION=off: the only difference between
 * the two processes the benchmark compares.
 */
import { runService } from "../../kit/index";
import { discoveryService } from "../discovery-service";

void runService({ ...discoveryService, ...(process.env["BENCH_AUTHORISATION"] === "off" ? { benchmarkWithoutAuthorisation: true as const } : {}) });
