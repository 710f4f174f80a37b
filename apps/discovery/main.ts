/** The discovery service's entry point (the container's command). */
import { runService } from "../kit/index";
import { discoveryService } from "./discovery-service";

void runService(discoveryService);
