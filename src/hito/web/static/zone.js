/* The time zone chooser applies itself on change (a button does it without scripts). */
document.addEventListener("DOMContentLoaded", function () {
  var pick = document.getElementById("zone-pick");
  if (pick) pick.addEventListener("change", function () { pick.form.submit(); });
});
