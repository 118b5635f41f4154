package kyvernotest
import ("testing";"fmt")
func TestX(t *testing.T){ v,err:=ParseValues([]byte("policies:\n- name: p\n  resources:\n  - name: r\n    values: {request.operation: UPDATE, n: 3}\n")); fmt.Printf("%#v %v\n", v.Policies, err)}
