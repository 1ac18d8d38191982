Bextj
location	fuzz.onnxj
offset0j
length4p