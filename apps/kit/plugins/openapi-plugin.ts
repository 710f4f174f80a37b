/**
 * The service's OpenAPI 3.1 document (@fastify/swagger), built from the routes' zod schemas and
 * served at GET /openapi.json. Wrapped with fastify-plugin: the document must see every route.
 */
import swagger from "@fastify/swagger";
import fastifyPlugin from "fastify-plugin";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import type { OpenAPIV3_1 } from "openapi-types";
import { OPENAPI_SECURITY, completeOpenApiDocument, serversFor } from "../openapi-document";

export const OPENAPI_PATH = "/openapi.json";

export interface OpenApiOptions {
  readonly service: string;
  readonly version: string;
  readonly description?: string;
}

export const openApiPlugin = fastifyPlugin<OpenApiOptions>(
  async (app, { service, version, description }) => {
    await app.register(swagger, {
      openapi: { openapi: "3.1.0", info: { title: service, version, description }, servers: serversFor(service), ...OPENAPI_SECURITY },
      transform: jsonSchemaTransform,
      // Registered zod schemas (.meta({ id })) become components; then the kit's finishing touches.
      transformObject: (document) => completeOpenApiDocument(jsonSchemaTransformObject(document) as OpenAPIV3_1.Document),
    });
    app.get(OPENAPI_PATH, { schema: { hide: true } }, () => app.swagger());
  },
  { name: "armature-openapi", fastify: "5.x" },
);
