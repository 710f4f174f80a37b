// Entry point for the Pulumi CLI (Pulumi.yaml `main: stacks/`). The stack's outputs are the program's.
import { program } from "./program";

export = program();
