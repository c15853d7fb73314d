"use strict";
// Shows the refusal of a previous attempt (the server redirects with ?failed=1).
if (new URLSearchParams(window.location.search).has("failed")) {
  document.getElementById("failed").hidden = false;
}
