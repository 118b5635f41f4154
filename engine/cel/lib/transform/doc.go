// Package transform is Kyverno's `transform` CEL library: listObjToMap(keys, values, keyField, valueField) (also
// transform.listObjToMap in Kyverno 1.18) zips two lists of objects of equal length into a map from
// keys[i][keyField], which must be a string, to values[i][valueField] (null when absent). Lists of different
// lengths, a non-string key or an element that is not an object are errors. The cost is 1 plus 1 per element.
package transform
