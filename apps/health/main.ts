/** The health service's entry point (the container's command). */
import { runService } from "../kit/index";
import { healthService } from "./health-service";

void runService(healthService);
