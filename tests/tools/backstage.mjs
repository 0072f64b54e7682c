// Backstage's own checks, offline: one JSON request per line on stdin, one JSON answer per line.
//   {"entity": {...}}                  catalog-model's entity policies, then the kind's validator
//                                      (templateEntityV1beta3Validator for a Template)
//   {"pages": [...]}                   compile every parameters page with ajv (the form's validator)
//   {"pages": [...], "values": {...}}  does each of the form's validators accept the values?
//                                      ajv as the scaffolder frontend (@rjsf/validator-ajv8: ajv 8,
//                                      `u` flag, not strict) and the npm `jsonschema` package as the
//                                      scaffolder backend validate each page against all values.
import { createInterface } from "node:readline";
import {
  DefaultNamespaceEntityPolicy,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator,
  locationEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
  userEntityV1alpha1Validator,
} from "@backstage/catalog-model";
import { templateEntityV1beta3Validator } from "@backstage/plugin-scaffolder-common";
import Ajv from "ajv";
import jsonschema from "jsonschema";
import nunjucks from "nunjucks";

// The catalog backend's default policies (catalog-backend's CatalogBuilder).
const policy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);
const kindValidators = [
  apiEntityV1alpha1Validator, componentEntityV1alpha1Validator, domainEntityV1alpha1Validator,
  groupEntityV1alpha1Validator, locationEntityV1alpha1Validator, resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator, userEntityV1alpha1Validator, templateEntityV1beta3Validator,
];

async function checkEntity(entity) {
  await policy.enforce(entity);
  for (const validator of kindValidators) {
    if (await validator.check(entity)) return { ok: true };
  }
  return { ok: false, error: `no validator knows ${entity.apiVersion} ${entity.kind}` };
}

const ajv = () => new Ajv({ allErrors: true, strict: false, multipleOfPrecision: 8 });

function compile(pages) {
  const instance = ajv();
  return pages.map((page) => instance.compile({ type: "object", ...page }));
}

function checkValues(pages, values) {
  const ajvErrors = [];
  for (const validate of compile(pages)) {
    if (!validate(values)) ajvErrors.push(...validate.errors.map((e) => `${e.instancePath} ${e.message}`));
  }
  const backendErrors = [];
  for (const page of pages) {
    backendErrors.push(...jsonschema.validate(values, page).errors.map((e) => e.stack));
  }
  return { ajv: ajvErrors.length === 0, jsonschema: backendErrors.length === 0, ajvErrors, backendErrors };
}

const templating = { autoescape: false, tags: { variableStart: "${{", variableEnd: "}}" } };
const templater = new nunjucks.Environment(undefined, templating);

function render(input, parameters) {
  const parsed = nunjucks.parser.parse(input, {}, templating);
  const single = parsed.children.length === 1
    && !(parsed.children[0]?.children?.[0] instanceof nunjucks.nodes.TemplateData);
  if (single) {
    const wrapped = input.replace(/\${{(.+)}}/g, "${{ ( $1 ) | dump }}");
    return { value: JSON.parse(templater.renderString(wrapped, { parameters })) };
  }
  return { value: templater.renderString(input, { parameters }) };
}

async function answer(request) {
  try {
    if (request.render !== undefined) return render(request.render, request.parameters);
    if (request.entity) return await checkEntity(request.entity);
    if (request.values) return checkValues(request.pages, request.values);
    compile(request.pages);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: String(error.message ?? error) };
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) process.stdout.write(`${JSON.stringify(await answer(JSON.parse(line)))}\n`);
}
