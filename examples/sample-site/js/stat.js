/* page statistics placeholder */
var _stat = 1;
