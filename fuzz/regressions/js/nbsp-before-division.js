var half = total / 2;
