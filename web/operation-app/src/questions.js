// Forms for an operation's questions (input_requests), built from each question's flat schema.

function field(name, schema, required) {
  const label = document.createElement("label");
  const caption = document.createElement("span");
  caption.textContent = schema.title || schema.description || name;
  let input;
  if (Array.isArray(schema.enum)) {
    input = document.createElement("select");
    for (const choice of schema.enum) input.add(new Option(String(choice), String(choice)));
  } else {
    input = document.createElement("input");
    if (schema.type === "boolean") input.type = "checkbox";
    else if (schema.type === "integer" || schema.type === "number") {
      input.type = "number";
      if (schema.type === "integer") input.step = "1";
      if (schema.minimum != null) input.min = String(schema.minimum);
      if (schema.maximum != null) input.max = String(schema.maximum);
    } else input.type = "text";
  }
  input.name = name;
  input.required = required && schema.type !== "boolean";
  if (schema.default != null) {
    if (input.type === "checkbox") input.checked = Boolean(schema.default);
    else input.value = String(schema.default);
  }
  label.append(caption, input);
  return label;
}

function readAnswer(form, properties) {
  const content = {};
  for (const [name, schema] of Object.entries(properties)) {
    const input = form.elements.namedItem(name);
    if (schema.type === "boolean") content[name] = input.checked;
    else if (input.value === "") continue;
    else if (schema.type === "integer") content[name] = Number.parseInt(input.value, 10);
    else if (schema.type === "number") content[name] = Number(input.value);
    else content[name] = input.value;
  }
  return content;
}

/** One form per question; `answer(key, response)` is called with an InputResponse. */
export function renderQuestions(container, requests, answer) {
  container.replaceChildren();
  const entries = Object.entries(requests || {});
  container.hidden = entries.length === 0;
  for (const [key, request] of entries) {
    const schema = request.requested_schema || {};
    const properties = schema.properties || {};
    const required = new Set(schema.required || []);
    const form = document.createElement("form");
    form.dataset.key = key;
    const message = document.createElement("p");
    message.textContent = request.message;
    form.append(message);
    for (const [name, property] of Object.entries(properties)) {
      form.append(field(name, property, required.has(name)));
    }
    // Plain buttons, not a submit: hosts may sandbox the app without allow-forms.
    const send = document.createElement("button");
    send.type = "button";
    send.textContent = "Answer";
    const decline = document.createElement("button");
    decline.type = "button";
    decline.textContent = "Decline";
    const buttons = document.createElement("div");
    buttons.className = "actions";
    buttons.append(send, decline);
    form.append(buttons);
    form.addEventListener("submit", (event) => event.preventDefault());
    send.addEventListener("click", () => {
      if (form.reportValidity()) answer(key, { action: "accept", content: readAnswer(form, properties) });
    });
    decline.addEventListener("click", () => answer(key, { action: "decline" }));
    container.append(form);
  }
}
