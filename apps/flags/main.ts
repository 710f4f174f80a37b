/** The flags service's entry point (the container's command). */
import { runService } from "../kit/index";
import { flagsService } from "./flags-service";

void runService(flagsService);
